/**
 * SetupIntents: save a card for later (usage `off_session` by default) without charging it. Confirming
 * validates the card with the issuer (a declining card fails the setup) and runs 3D Secure where the
 * card asks for it; success attaches the card to the intent's Customer and, for off_session, sets it up.
 */
import type Stripe from 'stripe';

import { type Decline, DECLINES } from '../cards.ts';
import type { Handler, RequestContext } from '../context.ts';
import { ApiError, docUrl, invalidRequest } from '../errors.ts';
import { newId, nowSeconds, randomToken } from '../ids.ts';
import { allowOnly, applyMetadata, listParams, optionalBoolean, optionalObject, optionalString, type Params } from '../params.ts';
import { testCardByNumber } from '../test-cards.ts';
import { requireAuthentication } from './authentication.ts';
import { checkResults } from './charges.ts';
import { liveCustomer } from './customers.ts';
import { recordEvent } from './events.ts';
import { listBody } from './lists.ts';
import { allowedTypes, unexpectedState } from './payment-intent-params.ts';
import { attachPaymentMethod, checkUsable } from './payment-method-customers.ts';
import { insertCardPaymentMethod, markSetUpForOffSession, paymentMethodInternal, resolvePaymentMethod } from './payment-methods.ts';

const CONFIRM = ['payment_method', 'payment_method_data', 'return_url', 'use_stripe_sdk', 'mandate_data', 'expand', 'client_secret', 'payment_method_options'];
const CREATE = [
  ...CONFIRM.filter((p) => p !== 'client_secret'),
  'customer',
  'usage',
  'confirm',
  'description',
  'metadata',
  'payment_method_types',
  'allowed_payment_method_types',
  'automatic_payment_methods',
  'flow_directions',
];

function usage(p: Params): 'off_session' | 'on_session' {
  const value = optionalString(p, 'usage') ?? 'off_session';
  if (value !== 'off_session' && value !== 'on_session') throw invalidRequest('Invalid usage: must be one of off_session or on_session', { param: 'usage' });
  return value;
}

function checkClientSecret(ctx: RequestContext, intent: Stripe.SetupIntent): void {
  if (ctx.keyKind !== 'publishable') return;
  if (optionalString(ctx.params, 'client_secret') !== intent.client_secret) {
    throw invalidRequest(`No such setupintent: '${intent.id}'`, { code: 'resource_missing', param: 'intent', status: 404 });
  }
}

function applyPaymentMethod(ctx: RequestContext, intent: Stripe.SetupIntent, p: Params): Stripe.SetupIntent {
  const pmId = optionalString(p, 'payment_method');
  const data = optionalObject(p, 'payment_method_data');
  if (pmId !== undefined && data)
    throw invalidRequest('You may only specify one of these parameters: payment_method, payment_method_data.', { param: 'payment_method_data' });
  let pm: Stripe.PaymentMethod | undefined;
  if (data) pm = insertCardPaymentMethod(ctx, data, 'payment_method_data');
  else if (pmId) pm = resolvePaymentMethod(ctx, pmId, { param: 'payment_method' });
  else if (typeof intent.payment_method === 'string') pm = resolvePaymentMethod(ctx, intent.payment_method);
  if (!pm) return intent;
  const customer = typeof intent.customer === 'string' ? intent.customer : (intent.customer?.id ?? null);
  checkUsable(ctx, pm, { intentId: intent.id, customer, kind: 'SetupIntent', param: data ? 'payment_method_data' : 'payment_method' });
  return { ...intent, payment_method: pm.id };
}

/** A setup the issuer refuses: the intent needs a new card; Stripe answers 402 with the intent inside. */
function setupFailed(ctx: RequestContext, intent: Stripe.SetupIntent, pm: Stripe.PaymentMethod, decline: Decline): ApiError {
  const lastSetupError: Stripe.SetupIntent.LastSetupError = {
    code: decline.code,
    decline_code: decline.decline_code,
    doc_url: docUrl(decline.code),
    message: decline.message,
    payment_method: pm,
    type: 'card_error',
  };
  const failed: Stripe.SetupIntent = {
    ...intent,
    status: 'requires_payment_method',
    payment_method: null,
    last_setup_error: lastSetupError,
    next_action: null,
  };
  ctx.store.update(failed);
  recordEvent(ctx, 'setup_intent.setup_failed', failed);
  return new ApiError(402, { ...lastSetupError, type: 'card_error', message: decline.message, setup_intent: failed });
}

/** The card is saved: attached to the Customer (if any) and, for off_session usage, set up. */
export function setupSucceeded(ctx: RequestContext, intent: Stripe.SetupIntent, pmId: string): Stripe.SetupIntent {
  const customer = typeof intent.customer === 'string' ? intent.customer : intent.customer?.id;
  if (customer) attachPaymentMethod(ctx, pmId, customer);
  if (intent.usage === 'off_session') markSetUpForOffSession(ctx, pmId);
  const succeeded: Stripe.SetupIntent = { ...intent, status: 'succeeded', payment_method: pmId, last_setup_error: null, next_action: null };
  ctx.store.update(succeeded);
  recordEvent(ctx, 'setup_intent.succeeded', succeeded);
  return succeeded;
}

function confirmSetup(ctx: RequestContext, intent: Stripe.SetupIntent, returnUrl: string | undefined): Stripe.SetupIntent {
  if (!intent.payment_method) {
    throw unexpectedState(
      "You cannot confirm this SetupIntent because it's missing a payment method. Update it with a payment method, or confirm it with one.",
    );
  }
  const pm = resolvePaymentMethod(ctx, intent.payment_method as string);
  const internal = paymentMethodInternal(ctx, pm.id);
  const behavior = testCardByNumber(internal.testCard ?? '')?.behavior;
  if (behavior?.kind === 'decline') throw setupFailed(ctx, intent, pm, DECLINES[behavior.decline]);
  if (checkResults(ctx, pm, testCardByNumber(internal.testCard ?? '')).cvc_check === 'fail') throw setupFailed(ctx, intent, pm, DECLINES.incorrect_cvc);
  // Cards that ask for authentication ask for it on setup, except one already set up for off-session use.
  if (behavior?.kind === 'authenticate' && !(behavior.setUp || internal.offSessionSetUp)) return requireAuthentication(ctx, intent, returnUrl);
  return setupSucceeded(ctx, intent, pm.id);
}

function confirmed(ctx: RequestContext, intent: Stripe.SetupIntent, p: Params): Stripe.SetupIntent {
  const returnUrl = optionalString(p, 'return_url');
  if (returnUrl !== undefined && !/^https?:\/\/[^\s]+$/i.test(returnUrl))
    throw invalidRequest('Invalid URL: return_url must be an absolute http or https URL.', { param: 'return_url' });
  return confirmSetup(ctx, intent, returnUrl);
}

export const createSetupIntent: Handler = (ctx) => {
  const p = ctx.params;
  allowOnly(p, CREATE);
  const customerId = optionalString(p, 'customer');
  const id = newId('seti');
  let intent: Stripe.SetupIntent = {
    id,
    object: 'setup_intent',
    allowed_payment_method_types: allowedTypes(p) ?? null,
    application: null,
    automatic_payment_methods: null,
    cancellation_reason: null,
    client_secret: `${id}_secret_${randomToken(32)}`,
    created: nowSeconds(),
    customer: customerId ? liveCustomer(ctx, customerId, { status: 400 }).id : null,
    customer_account: null,
    description: optionalString(p, 'description') ?? null,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: applyMetadata({}, p),
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: { card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
    payment_method_types: ['card'],
    single_use_mandate: null,
    status: 'requires_payment_method',
    usage: usage(p),
  };
  intent = applyPaymentMethod(ctx, intent, p);
  if (intent.payment_method) intent = { ...intent, status: 'requires_confirmation' };
  ctx.store.insert(intent);
  recordEvent(ctx, 'setup_intent.created', intent);
  if (optionalBoolean(p, 'confirm')) intent = confirmed(ctx, intent, p);
  else if (p.return_url !== undefined) throw invalidRequest('You can only pass `return_url` when `confirm=true`.', { param: 'return_url' });
  return { status: 200, body: intent };
};

export const retrieveSetupIntent: Handler = (ctx, { id }) => {
  allowOnly(ctx.params, ['expand', 'client_secret']);
  const intent = ctx.store.get<Stripe.SetupIntent>(id, 'setup_intent', { param: 'intent' });
  checkClientSecret(ctx, intent);
  return { status: 200, body: intent };
};

export const confirmSetupIntent: Handler = (ctx, { id }) => {
  const p = ctx.params;
  allowOnly(p, CONFIRM);
  let intent = ctx.store.get<Stripe.SetupIntent>(id, 'setup_intent', { param: 'intent' });
  checkClientSecret(ctx, intent);
  if (intent.status === 'succeeded' || intent.status === 'canceled' || intent.status === 'processing') {
    throw invalidRequest(
      `You cannot confirm this SetupIntent because it has a status of ${intent.status}. Only a SetupIntent with one of the following statuses may be confirmed: requires_confirmation, requires_payment_method, requires_action.`,
      { code: 'setup_intent_unexpected_state' },
    );
  }
  intent = applyPaymentMethod(ctx, intent, p);
  ctx.store.update(intent);
  return { status: 200, body: confirmed(ctx, intent, p) };
};

const CANCELLATION_REASONS = ['abandoned', 'requested_by_customer', 'duplicate'];

export const cancelSetupIntent: Handler = (ctx, { id }) => {
  allowOnly(ctx.params, ['cancellation_reason', 'expand']);
  const intent = ctx.store.get<Stripe.SetupIntent>(id, 'setup_intent', { param: 'intent' });
  const reason = optionalString(ctx.params, 'cancellation_reason');
  if (reason !== undefined && !CANCELLATION_REASONS.includes(reason)) {
    throw invalidRequest(`Invalid cancellation_reason: must be one of ${CANCELLATION_REASONS.join(', ')}`, { param: 'cancellation_reason' });
  }
  if (intent.status === 'succeeded' || intent.status === 'canceled' || intent.status === 'processing') {
    throw invalidRequest(
      `You cannot cancel this SetupIntent because it has a status of ${intent.status}. Only a SetupIntent with one of the following statuses may be canceled: requires_payment_method, requires_confirmation, requires_action.`,
      { code: 'setup_intent_unexpected_state' },
    );
  }
  const canceled: Stripe.SetupIntent = {
    ...intent,
    status: 'canceled',
    cancellation_reason: (reason as Stripe.SetupIntent.CancellationReason | undefined) ?? null,
    next_action: null,
  };
  ctx.store.update(canceled);
  recordEvent(ctx, 'setup_intent.canceled', canceled);
  return { status: 200, body: canceled };
};

export const listSetupIntents: Handler = (ctx) => {
  const q = listParams(ctx.params, ['customer', 'payment_method', 'attach_to_self']);
  const page = ctx.store.list<Stripe.SetupIntent>('setup_intent', {
    ...q,
    where: { customer: optionalString(ctx.params, 'customer'), payment_method: optionalString(ctx.params, 'payment_method') },
  });
  return { status: 200, body: listBody('/v1/setup_intents', page) };
};
