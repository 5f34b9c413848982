import type { Faults } from './faults.ts';
import type { IdempotencyKeys } from './idempotency.ts';
import type { Store } from './store.ts';
import type { WebhookDispatcher } from './webhooks.ts';

/** Everything one running sandbox holds. */
export interface SandboxState {
  store: Store;
  idempotency: IdempotencyKeys;
  faults: Faults;
  webhooks: WebhookDispatcher;
  latencyMs: number;
  baseUrl: string;
  closed: boolean;
  log(line: string): void;
}
