/** What create, update and confirm share: the intent's private options, its PaymentMethod, what a key may see. */
import type Stripe from 'stripe';

import type { RequestContext } from '../context.ts';
import { invalidRequest } from '../errors.ts';
import { optionalObject, optionalString, type Params } from '../params.ts';
import { liveCustomer } from './customers.ts';
import { cardOptions, setupFutureUsage } from './payment-intent-params.ts';
import { checkUsable } from './payment-method-customers.ts';
import { insertCardPaymentMethod, resolvePaymentMethod } from './payment-methods.ts';

/** Sandbox-private facts about an intent: options Stripe keeps but does not show. */
export interface PaymentIntentInternal {
  moto?: boolean;
}

export function intentInternal(ctx: RequestContext, id: string): PaymentIntentInternal {
  return ctx.store.internal<PaymentIntentInternal>(id) ?? {};
}

/** `setup_future_usage` and `payment_method_options[card]` from create, update or confirm. */
export function applyFutureUsageAndOptions(
  ctx: RequestContext,
  intent: Stripe.PaymentIntent,
  internal: PaymentIntentInternal,
  p: Params,
): { intent: Stripe.PaymentIntent; internal: PaymentIntentInternal } {
  const sfu = setupFutureUsage(p);
  let next = intent;
  if (sfu !== undefined) next = { ...next, setup_future_usage: sfu || null };
  const options = cardOptions(ctx, p, next.setup_future_usage ?? undefined);
  const out = { ...internal };
  if (options.moto !== undefined) out.moto = options.moto;
  if (options.requestThreeDSecure) {
    const card = next.payment_method_options?.card;
    next = {
      ...next,
      payment_method_options: { ...next.payment_method_options, card: { ...card!, request_three_d_secure: options.requestThreeDSecure } },
    };
  }
  return { intent: next, internal: out };
}

/** `customer` on create or update: an existing, undeleted Customer. */
export function applyCustomer(ctx: RequestContext, intent: Stripe.PaymentIntent, p: Params): Stripe.PaymentIntent {
  const id = optionalString(p, 'customer');
  if (id === undefined) return intent;
  if (id === '') return { ...intent, customer: null };
  return { ...intent, customer: liveCustomer(ctx, id, { param: 'customer', status: 400 }).id };
}

/**
 * `payment_method` (an id, or one of Stripe's test ids) or `payment_method_data` (a new card), checked
 * against the intent's Customer and the reuse rule. With neither, the intent's own PaymentMethod is checked.
 */
export function applyPaymentMethod(ctx: RequestContext, intent: Stripe.PaymentIntent, p: Params): Stripe.PaymentIntent {
  const pmId = optionalString(p, 'payment_method');
  const data = optionalObject(p, 'payment_method_data');
  if (pmId !== undefined && data) {
    throw invalidRequest('You may only specify one of these parameters: payment_method, payment_method_data.', { param: 'payment_method_data' });
  }
  let pm: Stripe.PaymentMethod;
  let param = 'payment_method';
  if (data) {
    pm = insertCardPaymentMethod(ctx, data, 'payment_method_data');
    param = 'payment_method_data';
  } else if (pmId) {
    pm = resolvePaymentMethod(ctx, pmId, { param });
  } else if (typeof intent.payment_method === 'string') {
    pm = resolvePaymentMethod(ctx, intent.payment_method, { param });
  } else {
    return intent;
  }
  const customer = typeof intent.customer === 'string' ? intent.customer : (intent.customer?.id ?? null);
  checkUsable(ctx, pm, { intentId: intent.id, customer, kind: 'PaymentIntent', param });
  return { ...intent, payment_method: pm.id };
}

/** The fields the API reference marks "retrievable with publishable key"; Stripe.js sees only these. */
const PUBLISHABLE_FIELDS = [
  'id',
  'object',
  'amount',
  'automatic_payment_methods',
  'canceled_at',
  'cancellation_reason',
  'capture_method',
  'client_secret',
  'confirmation_method',
  'created',
  'currency',
  'description',
  'excluded_payment_method_types',
  'last_payment_error',
  'livemode',
  'next_action',
  'payment_method',
  'payment_method_configuration_details',
  'payment_method_types',
  'processing',
  'receipt_email',
  'setup_future_usage',
  'shipping',
  'status',
] as const satisfies readonly (keyof Stripe.PaymentIntent)[];

export function publishableView(intent: Stripe.PaymentIntent): Partial<Stripe.PaymentIntent> {
  return Object.fromEntries(PUBLISHABLE_FIELDS.map((field) => [field, intent[field]]));
}

/** The intent as the caller's key may see it. */
export function visible(ctx: RequestContext, intent: Stripe.PaymentIntent): Stripe.PaymentIntent | Partial<Stripe.PaymentIntent> {
  return ctx.keyKind === 'publishable' ? publishableView(intent) : intent;
}

/** With a publishable key, Stripe.js may act on an intent only with its client secret. */
export function checkClientSecret(ctx: RequestContext, intent: Stripe.PaymentIntent): void {
  if (ctx.keyKind !== 'publishable') return;
  const secret = optionalString(ctx.params, 'client_secret');
  if (!secret || secret !== intent.client_secret) {
    throw invalidRequest(`No such payment_intent: '${intent.id}'`, { code: 'resource_missing', param: 'intent', status: 404 });
  }
}
