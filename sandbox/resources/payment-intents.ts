import type Stripe from 'stripe';
import type { Handler, RequestContext } from '../context.ts';
import { DECLINES, testCardByNumber, type Decline, type TestCard } from '../cards.ts';
import { ApiError, docUrl, invalidRequest } from '../errors.ts';
import { newId, nowSeconds, randomToken } from '../ids.ts';
import { formatAmount, MAX_AMOUNT, minimumAmount, SUPPORTED_CURRENCIES } from '../money.ts';
import {
  allowOnly,
  applyMetadata,
  isRecord,
  listParams,
  optionalBoolean,
  optionalString,
  optionalStringArray,
  requiredInteger,
  requiredString,
  type Params,
} from '../params.ts';
import { buildCharge, checkResults } from './charges.ts';
import { openDispute } from './disputes.ts';
import { recordEvent } from './events.ts';
import { listBody } from './lists.ts';
import { paymentMethodInternal, resolvePaymentMethod } from './payment-methods.ts';

/** Stripe's exact wording (see the reference guide in /work/shared/reference). */
export const AUTHENTICATION_NOT_HANDLED_MESSAGE =
  "This payment required an authentication action to complete, but `error_on_requires_action` was set. When you're ready, you can upgrade your integration to handle actions at https://stripe.com/docs/payments/payment-intents/upgrade-to-handle-actions.";
export const AUTHENTICATION_REQUIRED_DOC_URL = 'https://docs.stripe.com/error-codes#authentication-required';

/** An off-session payment cannot be authenticated, so the issuer's soft decline stands. */
const OFF_SESSION_AUTHENTICATION: Decline = {
  code: 'authentication_required',
  decline_code: 'authentication_required',
  message: 'Your card was declined. This transaction requires authentication.',
  outcome: {
    type: 'issuer_declined',
    network_status: 'declined_by_network',
    reason: 'authentication_required',
    seller_message: 'The bank returned the decline code `authentication_required`.',
  },
};

const CONFIRM_PARAMS = [
  'payment_method',
  'error_on_requires_action',
  'return_url',
  'off_session',
  'receipt_email',
  'payment_method_types',
  'allowed_payment_method_types',
  'payment_method_options',
  'setup_future_usage',
  'use_stripe_sdk',
  'mandate_data',
  'expand',
  'client_secret',
] as const;

const CREATE_PARAMS = [
  ...CONFIRM_PARAMS.filter((p) => p !== 'client_secret'),
  'amount',
  'currency',
  'confirm',
  'description',
  'metadata',
  'capture_method',
  'confirmation_method',
  'customer',
  'statement_descriptor',
  'statement_descriptor_suffix',
  'shipping',
  'automatic_payment_methods',
] as const;

function validateAmount(amount: number, currency: string): void {
  if (amount < minimumAmount(currency)) {
    throw invalidRequest(`Amount must be at least ${formatAmount(minimumAmount(currency), currency)} ${currency}`, {
      param: 'amount',
      code: 'amount_too_small',
    });
  }
  if (amount > MAX_AMOUNT) {
    throw invalidRequest(`Amount must be no more than ${formatAmount(MAX_AMOUNT, currency)}`, {
      param: 'amount',
      code: 'amount_too_large',
    });
  }
}

/**
 * API 2026-10-28.endive takes `allowed_payment_method_types` (the older `payment_method_types`
 * is still accepted here); the sandbox only has cards.
 */
function allowedTypes(p: Params): Stripe.PaymentIntent.AllowedPaymentMethodType[] | undefined {
  let types: string[] | undefined;
  for (const param of ['allowed_payment_method_types', 'payment_method_types']) {
    const value = optionalStringArray(p, param);
    if (!value) continue;
    for (const t of value) {
      if (t !== 'card') {
        throw invalidRequest(`The payment method type provided: ${t} is invalid. The sandbox supports only: card.`, {
          param,
          code: 'payment_intent_invalid_parameter',
        });
      }
    }
    types = value;
  }
  return types as Stripe.PaymentIntent.AllowedPaymentMethodType[] | undefined;
}

function unexpectedState(message: string): ApiError {
  return invalidRequest(message, { code: 'payment_intent_unexpected_state' });
}

interface ConfirmOptions {
  errorOnRequiresAction: boolean;
  offSession: boolean;
  returnUrl?: string;
}

function confirmOptions(p: Params): ConfirmOptions {
  return {
    errorOnRequiresAction: optionalBoolean(p, 'error_on_requires_action') ?? false,
    offSession: p.off_session === 'true' || p.off_session === 'one_off' || p.off_session === 'recurring',
    returnUrl: optionalString(p, 'return_url'),
  };
}

/** Runs the payment attempt; returns the intent as stored, or throws Stripe's 402 with the intent inside. */
function confirm(ctx: RequestContext, intent: Stripe.PaymentIntent, opts: ConfirmOptions): Stripe.PaymentIntent {
  if (!intent.payment_method) {
    throw unexpectedState(
      "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
    );
  }
  const pmId = typeof intent.payment_method === 'string' ? intent.payment_method : intent.payment_method.id;
  const pm = resolvePaymentMethod(ctx, pmId);
  const test = testCardByNumber(paymentMethodInternal(ctx, pm.id).testCard ?? '');
  const behavior = test?.behavior ?? { kind: 'succeed' as const };
  const risk = test?.risk ?? { level: 'normal', score: 20 + Math.floor(Math.random() * 20) };
  const checks = checkResults(ctx, pm, test);
  const base: Stripe.PaymentIntent = { ...intent, payment_method: pm.id };

  if (behavior.kind === 'authenticate' && !opts.offSession) {
    if (opts.errorOnRequiresAction) {
      const lastPaymentError: Stripe.PaymentIntent.LastPaymentError = {
        code: 'authentication_required',
        decline_code: 'authentication_not_handled',
        doc_url: AUTHENTICATION_REQUIRED_DOC_URL,
        message: AUTHENTICATION_NOT_HANDLED_MESSAGE,
        payment_method: pm,
        type: 'card_error',
      };
      const failed: Stripe.PaymentIntent = {
        ...base,
        status: 'requires_payment_method',
        payment_method: null,
        last_payment_error: lastPaymentError,
        next_action: null,
      };
      ctx.store.update(failed);
      recordEvent(ctx, 'payment_intent.payment_failed', failed);
      throw new ApiError(402, {
        type: 'card_error',
        code: 'authentication_required',
        decline_code: 'authentication_not_handled',
        doc_url: AUTHENTICATION_REQUIRED_DOC_URL,
        message: AUTHENTICATION_NOT_HANDLED_MESSAGE,
        payment_intent: failed,
        payment_method: pm,
      });
    }
    const challengeUrl = `${ctx.baseUrl}/__sandbox/authenticate/${intent.id}`;
    const nextAction: Stripe.PaymentIntent.NextAction = opts.returnUrl
      ? { type: 'redirect_to_url', redirect_to_url: { url: challengeUrl, return_url: opts.returnUrl } }
      : {
          type: 'use_stripe_sdk',
          use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: challengeUrl, source: newId('src') },
        };
    const waiting: Stripe.PaymentIntent = {
      ...base,
      status: 'requires_action',
      next_action: nextAction,
      last_payment_error: null,
    };
    ctx.store.update(waiting);
    recordEvent(ctx, 'payment_intent.requires_action', waiting);
    return waiting;
  }

  let decline: Decline | undefined;
  if (behavior.kind === 'authenticate') decline = OFF_SESSION_AUTHENTICATION;
  else if (behavior.kind === 'decline') decline = DECLINES[behavior.decline];
  else if (checks.cvc_check === 'fail') decline = DECLINES.incorrect_cvc;
  return attemptCharge(ctx, base, pm, { decline, checks, risk, dispute: test?.dispute });
}

/** The charge itself: a succeeded or failed Charge, the intent's new state, and the events. */
function attemptCharge(
  ctx: RequestContext,
  intent: Stripe.PaymentIntent,
  pm: Stripe.PaymentMethod,
  result: {
    decline?: Decline;
    checks: ReturnType<typeof checkResults>;
    risk: { level: string; score: number };
    dispute?: TestCard['dispute'];
  },
): Stripe.PaymentIntent {
  const { decline, checks, risk } = result;
  const base = intent;
  const charge = buildCharge(ctx.baseUrl, intent, pm, { decline, checks, risk });
  ctx.store.insert(charge);
  // Like Stripe, the PaymentMethod remembers the verification results of its first charge.
  if (pm.card?.checks && pm.card.checks.cvc_check === 'unchecked') {
    ctx.store.update({ ...pm, card: { ...pm.card, checks } });
  }

  if (decline) {
    const lastPaymentError: Stripe.PaymentIntent.LastPaymentError = {
      charge: charge.id,
      code: decline.code,
      decline_code: decline.decline_code,
      doc_url: docUrl(decline.code),
      message: decline.message,
      ...(decline.param ? { param: decline.param } : {}),
      payment_method: pm,
      type: 'card_error',
    };
    const failed: Stripe.PaymentIntent = {
      ...base,
      status: 'requires_payment_method',
      payment_method: null,
      latest_charge: charge.id,
      last_payment_error: lastPaymentError,
      next_action: null,
    };
    ctx.store.update(failed);
    recordEvent(ctx, 'charge.failed', charge);
    recordEvent(ctx, 'payment_intent.payment_failed', failed);
    throw new ApiError(402, {
      type: 'card_error',
      charge: charge.id,
      code: decline.code,
      decline_code: decline.decline_code,
      doc_url: docUrl(decline.code),
      message: decline.message,
      ...(decline.param ? { param: decline.param } : {}),
      payment_intent: failed,
      payment_method: pm,
    });
  }

  const succeeded: Stripe.PaymentIntent = {
    ...base,
    status: 'succeeded',
    amount_received: intent.amount,
    latest_charge: charge.id,
    last_payment_error: null,
    next_action: null,
  };
  ctx.store.update(succeeded);
  recordEvent(ctx, 'charge.succeeded', charge);
  recordEvent(ctx, 'payment_intent.succeeded', succeeded);
  if (result.dispute) openDispute(ctx, charge, result.dispute.reason, result.dispute.status);
  return succeeded;
}

/**
 * The end of a 3D Secure challenge (the sandbox's challenge page or its control API):
 * success goes on to the charge, failure leaves the intent needing a new payment method.
 */
export function completeAuthentication(ctx: RequestContext, intentId: string, succeed: boolean): Stripe.PaymentIntent {
  const intent = ctx.store.get<Stripe.PaymentIntent>(intentId, 'payment_intent', { param: 'intent' });
  if (intent.status !== 'requires_action' || typeof intent.payment_method !== 'string') {
    throw unexpectedState(`This PaymentIntent has a status of ${intent.status}; there is no authentication to complete.`);
  }
  const pm = resolvePaymentMethod(ctx, intent.payment_method);
  const test = testCardByNumber(paymentMethodInternal(ctx, pm.id).testCard ?? '');
  if (!succeed) {
    const failed: Stripe.PaymentIntent = {
      ...intent,
      status: 'requires_payment_method',
      payment_method: null,
      next_action: null,
      last_payment_error: {
        code: 'payment_intent_authentication_failure',
        doc_url: docUrl('payment_intent_authentication_failure'),
        message:
          'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.',
        payment_method: pm,
        type: 'invalid_request_error',
      },
    };
    ctx.store.update(failed);
    recordEvent(ctx, 'payment_intent.payment_failed', failed);
    return failed;
  }
  const after = test?.behavior.kind === 'authenticate' ? test.behavior.afterAuthentication : 'succeed';
  try {
    return attemptCharge(ctx, { ...intent, next_action: null }, pm, {
      decline: after === 'succeed' ? undefined : DECLINES[after],
      checks: checkResults(ctx, pm, test),
      risk: test?.risk ?? { level: 'normal', score: 25 },
      dispute: test?.dispute,
    });
  } catch (error) {
    if (error instanceof ApiError && error.status === 402 && error.body.payment_intent) return error.body.payment_intent;
    throw error;
  }
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
  ctx.store.insert(intent);
  recordEvent(ctx, 'payment_intent.created', intent);
  if (confirmNow) intent = confirm(ctx, intent, confirmOptions(p));
  return { status: 200, body: intent };
};

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
  return { status: 200, body: intent };
};

export const updatePaymentIntent: Handler = (ctx, { id }) => {
  const p = ctx.params;
  allowOnly(p, ['amount', 'currency', 'description', 'metadata', 'payment_method', 'receipt_email', 'expand', 'allowed_payment_method_types', 'payment_method_types', 'statement_descriptor', 'statement_descriptor_suffix']);
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
  ctx.store.update(intent);
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
  ctx.store.update(intent);
  return { status: 200, body: confirm(ctx, intent, confirmOptions(p)) };
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

