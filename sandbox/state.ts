import type { AccountCapabilities } from './context.ts';
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
  /** The account's gated features; `POST /__sandbox/reset` restores `initialAccount`. */
  account: AccountCapabilities;
  initialAccount: AccountCapabilities;
  baseUrl: string;
  closed: boolean;
  log(line: string): void;
}
