/** PaymentIntents: create, retrieve, update, cancel, list (confirm and capture are in payment-intent-actions.ts). */
import type Stripe from 'stripe';

import type { Handler } from '../context.ts';
import { invalidRequest } from '../errors.ts';
import { newId, nowSeconds, randomToken } from '../ids.ts';
import { SUPPORTED_CURRENCIES } from '../money.ts';
import { allowOnly, applyMetadata, isRecord, listParams, optionalBoolean, optionalString, requiredInteger, requiredString } from '../params.ts';
import { releaseAuthorization } from './capture.ts';
import { confirm } from './confirmation.ts';
import { recordEvent } from './events.ts';
import { listBody } from './lists.ts';
import { allowedTypes, confirmOptions, CREATE_PARAMS, unexpectedState, validateAmount } from './payment-intent-params.ts';
import { applyCustomer, applyFutureUsageAndOptions, applyPaymentMethod, checkClientSecret, intentInternal, visible } from './payment-intent-state.ts';

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
  if (captureMethod !== 'automatic' && captureMethod !== 'automatic_async' && captureMethod !== 'manual') {
    throw invalidRequest('Invalid capture_method: must be one of automatic, automatic_async or manual', {
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
    amount_details: { tip: {} },
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
  intent = applyPaymentMethod(ctx, applyCustomer(ctx, intent, p), p);
  if (intent.payment_method) intent.status = 'requires_confirmation';
  const applied = applyFutureUsageAndOptions(ctx, intent, {}, p);
  intent = applied.intent;
  const options = confirmNow ? confirmOptions(p, applied.internal.moto === true) : undefined;
  ctx.store.insert(intent, applied.internal);
  recordEvent(ctx, 'payment_intent.created', intent);
  if (options) intent = confirm(ctx, intent, options);
  return { status: 200, body: intent };
};

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
    'payment_method_data',
    'payment_method_options',
    'customer',
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
  if (locked && ['amount', 'currency', 'payment_method', 'payment_method_data'].some((k) => p[k] !== undefined)) {
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
  if (p.customer !== undefined) {
    if (locked) throw unexpectedState(`You cannot update this PaymentIntent because it has a status of ${intent.status}.`);
    set('customer', applyCustomer(ctx, intent, p).customer);
  }
  if (p.payment_method !== undefined || p.payment_method_data !== undefined) {
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
  if (intent.status === 'requires_capture') releaseAuthorization(ctx, intent, false);
  const canceled: Stripe.PaymentIntent = {
    ...intent,
    status: 'canceled',
    amount_capturable: 0,
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
  const page = ctx.store.list<Stripe.PaymentIntent>('payment_intent', { ...q, where: { customer: optionalString(ctx.params, 'customer') } });
  return { status: 200, body: listBody('/v1/payment_intents', page) };
};
