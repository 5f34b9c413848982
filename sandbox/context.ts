import type Stripe from 'stripe';

import type { Params } from './params.ts';
import type { Store } from './store.ts';

/** What a handler may use; it runs synchronously inside one SQLite transaction. */
export interface RequestContext {
  store: Store;
  requestId: string;
  idempotencyKey: string | null;
  keyKind: 'secret' | 'publishable';
  params: Params;
  /** e.g. http://127.0.0.1:12111, for URLs the sandbox hands out (receipts, 3DS redirects). */
  baseUrl: string;
  /** Events recorded by this request, delivered to webhooks once the response is committed. */
  events: Stripe.Event[];
  /** How many webhook endpoints will receive an event of this type (for `pending_webhooks`). */
  countEndpoints(type: string): number;
  /** What Stripe has enabled for the emulated account. */
  account: AccountCapabilities;
}

/** Gated features an account has only once Stripe enables them. */
export interface AccountCapabilities {
  /** `payment_method_options[card][moto]` (mail-order/telephone-order payments, outside SCA). */
  moto: boolean;
}

export interface HandlerResult {
  status: number;
  body: unknown;
}

export type Handler = (ctx: RequestContext, pathParams: Record<string, string>) => HandlerResult;
