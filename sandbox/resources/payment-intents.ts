/** PaymentIntents: create, retrieve, update, confirm, cancel, list. */
import type Stripe from 'stripe';

import type { Handler, RequestContext } from '../context.ts';
import { ApiError, invalidRequest } from '../errors.ts';
import { newId, nowSeconds, randomToken } from '../ids.ts';
import { SUPPORTED_CURRENCIES } from '../money.ts';
import { allowOnly, applyMetadata, isRecord, listParams, optionalBoolean, optionalString, type Params, requiredInteger, requiredString } from '../params.ts';
import { confirm } from './confirmation.ts';
import { recordEvent } from './events.ts';
import { listBody } from './lists.ts';
import {
  allowedTypes,
  cardOptions,
  CONFIRM_PARAMS,
  confirmOptions,
  CREATE_PARAMS,
  setupFutureUsage,
  unexpectedState,
  validateAmount,
} from './payment-intent-params.ts';
import { resolvePaymentMethod } from './payment-methods.ts';

/** Sandbox-private facts about an intent: options Stripe keeps but does not show. */
interface PaymentIntentInternal {
  moto?: boolean;
}

function intentInternal(ctx: RequestContext, id: string): PaymentIntentInternal {
  return ctx.store.internal<PaymentIntentInternal>(id) ?? {};
}

/** `setup_future_usage` and `payment_method_options[card]` from create, update or confirm. */
function applyFutureUsageAndOptions(
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

function applyPaymentMethod(ctx: RequestContext, intent: Stripe.PaymentIntent, p: Params): Stripe.PaymentIntent {
  const pmId = optionalString(p, 'payment_method');
  if (pmId === undefined) return intent;
  const pm = resolvePaymentMethod(ctx, pmId, { param: 'payment_method' });
  return { ...intent, payment_method: pm.id };
}

export const createPaymentIntent: Handler = (ctx) => {
  const p = ctx.params;
  allowOnly(p, CREATE_PARAMS);
  const amount = requiredInteger(p, 'amount');
  const currency = requiredString(p, 'currency').toLowerCase();
  if (!SUPPORTED_CURRENCIES.has(currency)) {
    throw invalidRequest(`Invalid currency: ${currency}. The sandbox supports: ${[...SUPPORTED_CURRENCIES].join(', ')}.`, {
      param: 'currency',
    });
  }
  validateAmount(amount, currency);
  const captureMethod = optionalString(p, 'capture_method') ?? 'automatic_async';
  if (captureMethod !== 'automatic' && captureMethod !== 'automatic_async') {
    throw invalidRequest('The sandbox supports only automatic capture (capture_method=automatic or automatic_async).', {
      param: 'capture_method',
    });
  }
  const confirmNow = optionalBoolean(p, 'confirm') ?? false;
  for (const onlyWithConfirm of ['error_on_requires_action', 'off_session', 'return_url'] as const) {
    if (p[onlyWithConfirm] !== undefined && !confirmNow) {
      throw invalidRequest(`You can only pass \`${onlyWithConfirm}\` when \`confirm=true\`.`, { param: onlyWithConfirm });
    }
  }
  const automatic = isRecord(p.automatic_payment_methods) && p.automatic_payment_methods.enabled === 'true';
  const id = newId('pi');
  let intent: Stripe.PaymentIntent = {
    id,
    object: 'payment_intent',
    allowed_payment_method_types: allowedTypes(p) ?? null,
    amount,
    amount_capturable: 0,
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: automatic ? { allow_redirects: 'always', enabled: true } : null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: captureMethod,
    client_secret: `${id}_secret_${randomToken(25)}`,
    confirmation_method: 'automatic',
    created: nowSeconds(),
    currency,
    customer: null,
    customer_account: null,
    description: optionalString(p, 'description') ?? null,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: applyMetadata({}, p),
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' },
    },
    payment_method_types: ['card'],
    payment_record: null,
    processing: null,
    receipt_email: optionalString(p, 'receipt_email') ?? null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: optionalString(p, 'statement_descriptor') ?? null,
    statement_descriptor_suffix: optionalString(p, 'statement_descriptor_suffix') ?? null,
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: null,
  };
  intent = applyPaymentMethod(ctx, intent, p);
  if (intent.payment_method) intent.status = 'requires_confirmation';
  const applied = applyFutureUsageAndOptions(ctx, intent, {}, p);
  intent = applied.intent;
  const options = confirmNow ? confirmOptions(p, applied.internal.moto === true) : undefined;
  ctx.store.insert(intent, applied.internal);
  recordEvent(ctx, 'payment_intent.created', intent);
  if (options) intent = confirm(ctx, intent, options);
  return { status: 200, body: intent };
};

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
function visible(ctx: RequestContext, intent: Stripe.PaymentIntent): Stripe.PaymentIntent | Partial<Stripe.PaymentIntent> {
  return ctx.keyKind === 'publishable' ? publishableView(intent) : intent;
}

/** With a publishable key, Stripe.js may act on an intent only with its client secret. */
function checkClientSecret(ctx: RequestContext, intent: Stripe.PaymentIntent): void {
  if (ctx.keyKind !== 'publishable') return;
  const secret = optionalString(ctx.params, 'client_secret');
  if (!secret || secret !== intent.client_secret) {
    throw invalidRequest(`No such payment_intent: '${intent.id}'`, { code: 'resource_missing', param: 'intent', status: 404 });
  }
}

export const retrievePaymentIntent: Handler = (ctx, { id }) => {
  allowOnly(ctx.params, ['expand', 'client_secret']);
  const intent = ctx.store.get<Stripe.PaymentIntent>(id, 'payment_intent', { param: 'intent' });
  checkClientSecret(ctx, intent);
  return { status: 200, body: visible(ctx, intent) };
};

export const updatePaymentIntent: Handler = (ctx, { id }) => {
  const p = ctx.params;
  allowOnly(p, [
    'amount',
    'currency',
    'description',
    'metadata',
    'payment_method',
    'payment_method_options',
    'receipt_email',
    'setup_future_usage',
    'expand',
    'allowed_payment_method_types',
    'payment_method_types',
    'statement_descriptor',
    'statement_descriptor_suffix',
  ]);
  let intent = ctx.store.get<Stripe.PaymentIntent>(id, 'payment_intent', { param: 'intent' });
  const previous: Record<string, unknown> = {};
  const set = <K extends keyof Stripe.PaymentIntent>(key: K, value: Stripe.PaymentIntent[K]) => {
    if (JSON.stringify(intent[key]) !== JSON.stringify(value)) {
      previous[key] = intent[key];
      intent = { ...intent, [key]: value };
    }
  };
  const locked = intent.status === 'succeeded' || intent.status === 'canceled' || intent.status === 'processing';
  if (locked && ['amount', 'currency', 'payment_method'].some((k) => p[k] !== undefined)) {
    throw unexpectedState(`You cannot update this PaymentIntent because it has a status of ${intent.status}.`);
  }
  const currency = optionalString(p, 'currency')?.toLowerCase() ?? intent.currency;
  if (p.amount !== undefined) {
    const amount = requiredInteger(p, 'amount');
    validateAmount(amount, currency);
    set('amount', amount);
  }
  set('currency', currency);
  if (p.description !== undefined) set('description', optionalString(p, 'description') || null);
  if (p.receipt_email !== undefined) set('receipt_email', optionalString(p, 'receipt_email') || null);
  if (p.metadata !== undefined) set('metadata', applyMetadata(intent.metadata, p));
  if (p.payment_method !== undefined) {
    const withPm = applyPaymentMethod(ctx, intent, p);
    set('payment_method', withPm.payment_method);
    set('status', 'requires_confirmation');
  }
  const types = allowedTypes(p);
  if (types) set('allowed_payment_method_types', types);
  const applied = applyFutureUsageAndOptions(ctx, intent, intentInternal(ctx, intent.id), p);
  set('setup_future_usage', applied.intent.setup_future_usage);
  set('payment_method_options', applied.intent.payment_method_options);
  ctx.store.update(intent, applied.internal);
  return { status: 200, body: intent };
};

export const confirmPaymentIntent: Handler = (ctx, { id }) => {
  const p = ctx.params;
  allowOnly(p, CONFIRM_PARAMS);
  let intent = ctx.store.get<Stripe.PaymentIntent>(id, 'payment_intent', { param: 'intent' });
  checkClientSecret(ctx, intent);
  if (intent.status === 'succeeded') {
    throw unexpectedState('You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.');
  }
  if (intent.status === 'canceled' || intent.status === 'processing' || intent.status === 'requires_capture') {
    throw unexpectedState(
      `You cannot confirm this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be confirmed: requires_confirmation, requires_payment_method, requires_action.`,
    );
  }
  intent = applyPaymentMethod(ctx, intent, p);
  const receiptEmail = optionalString(p, 'receipt_email');
  if (receiptEmail !== undefined) intent = { ...intent, receipt_email: receiptEmail || null };
  const applied = applyFutureUsageAndOptions(ctx, intent, intentInternal(ctx, intent.id), p);
  const options = confirmOptions(p, applied.internal.moto === true);
  ctx.store.update(applied.intent, applied.internal);
  try {
    return { status: 200, body: visible(ctx, confirm(ctx, applied.intent, options)) };
  } catch (error) {
    // A decline carries the intent inside the error: the publishable key sees the same subset there.
    if (error instanceof ApiError && error.body.payment_intent && ctx.keyKind === 'publishable') {
      throw new ApiError(error.status, { ...error.body, payment_intent: publishableView(error.body.payment_intent) as Stripe.PaymentIntent }, error.headers);
    }
    throw error;
  }
};

const CANCELLATION_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'] as const;

export const cancelPaymentIntent: Handler = (ctx, { id }) => {
  const p = ctx.params;
  allowOnly(p, ['cancellation_reason', 'expand']);
  const intent = ctx.store.get<Stripe.PaymentIntent>(id, 'payment_intent', { param: 'intent' });
  const reason = optionalString(p, 'cancellation_reason');
  if (reason !== undefined && !(CANCELLATION_REASONS as readonly string[]).includes(reason)) {
    throw invalidRequest(`Invalid cancellation_reason: must be one of ${CANCELLATION_REASONS.join(', ')}`, {
      param: 'cancellation_reason',
    });
  }
  const cancelable = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing'];
  if (!cancelable.includes(intent.status)) {
    throw unexpectedState(
      `You cannot cancel this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${cancelable.join(', ')}.`,
    );
  }
  const canceled: Stripe.PaymentIntent = {
    ...intent,
    status: 'canceled',
    canceled_at: nowSeconds(),
    cancellation_reason: (reason as Stripe.PaymentIntent.CancellationReason | undefined) ?? null,
    next_action: null,
  };
  ctx.store.update(canceled);
  recordEvent(ctx, 'payment_intent.canceled', canceled);
  return { status: 200, body: canceled };
};

export const listPaymentIntents: Handler = (ctx) => {
  const q = listParams(ctx.params, ['customer']);
  const page = ctx.store.list<Stripe.PaymentIntent>('payment_intent', q);
  return { status: 200, body: listBody('/v1/payment_intents', page) };
};
