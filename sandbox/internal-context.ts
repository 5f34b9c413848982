import type { RequestContext } from './context.ts';
import { newRequestId } from './ids.ts';
import type { SandboxState } from './state.ts';

/** A request context for work the sandbox does outside the v1 API (control API, challenge page). */
export function internalContext(state: SandboxState): RequestContext {
  return {
    store: state.store,
    requestId: newRequestId(),
    idempotencyKey: null,
    keyKind: 'secret',
    params: {},
    baseUrl: state.baseUrl,
    events: [],
    countEndpoints: (type) => state.webhooks.countFor(type),
    account: { ...state.account },
  };
}
