/**
 * The charge itself, once nothing stands before it (no authentication pending): a succeeded or failed
 * Charge, the PaymentIntent's new state, and the events Stripe sends for them.
 */
import type Stripe from 'stripe';

import type { Decline } from '../cards.ts';
import type { RequestContext } from '../context.ts';
import { ApiError, docUrl } from '../errors.ts';
import type { TestCard } from '../test-cards.ts';
import { AUTHORIZATION_LIFETIME_SECONDS, buildCharge, type ChargeResult } from './charges.ts';
import { openDispute } from './disputes.ts';
import { recordEvent } from './events.ts';
import { attachPaymentMethod, consumePaymentMethod } from './payment-method-customers.ts';
import { markSetUpForOffSession } from './payment-methods.ts';

export interface AttemptInput extends ChargeResult {
  dispute?: TestCard['dispute'];
}

/** The failed intent and the 402 Stripe answers a decline with (the intent is inside the error). */
function declineIntent(ctx: RequestContext, intent: Stripe.PaymentIntent, pm: Stripe.PaymentMethod, decline: Decline, chargeId: string | null): ApiError {
  const lastPaymentError: Stripe.PaymentIntent.LastPaymentError = {
    ...(chargeId ? { charge: chargeId } : {}),
    code: decline.code,
    decline_code: decline.decline_code,
    doc_url: docUrl(decline.code),
    message: decline.message,
    ...(decline.param ? { param: decline.param } : {}),
    payment_method: pm,
    type: 'card_error',
  };
  const failed: Stripe.PaymentIntent = {
    ...intent,
    status: 'requires_payment_method',
    payment_method: null,
    ...(chargeId ? { latest_charge: chargeId } : {}),
    last_payment_error: lastPaymentError,
    next_action: null,
  };
  ctx.store.update(failed);
  recordEvent(ctx, 'payment_intent.payment_failed', failed);
  return new ApiError(402, {
    type: 'card_error',
    ...(chargeId ? { charge: chargeId } : {}),
    code: decline.code,
    decline_code: decline.decline_code,
    doc_url: docUrl(decline.code),
    message: decline.message,
    ...(decline.param ? { param: decline.param } : {}),
    payment_intent: failed,
    payment_method: pm,
  });
}

/**
 * With a Customer and setup_future_usage, the card is saved to the Customer (and, for off_session, set up
 * for later off-session payments); without a Customer it is spent on this intent.
 */
function afterSuccessfulPayment(ctx: RequestContext, intent: Stripe.PaymentIntent, pm: Stripe.PaymentMethod): void {
  const customer = typeof intent.customer === 'string' ? intent.customer : intent.customer?.id;
  if (customer && intent.setup_future_usage) {
    attachPaymentMethod(ctx, pm.id, customer);
    if (intent.setup_future_usage === 'off_session') markSetUpForOffSession(ctx, pm.id);
  } else {
    consumePaymentMethod(ctx, pm.id, intent.id);
  }
}

/** Charges the card; returns the succeeded intent, or throws Stripe's 402 with the failed intent inside. */
export function attemptCharge(ctx: RequestContext, intent: Stripe.PaymentIntent, pm: Stripe.PaymentMethod, input: AttemptInput): Stripe.PaymentIntent {
  const charge = buildCharge(ctx.baseUrl, intent, pm, input);
  ctx.store.insert(charge);
  // Like Stripe, the PaymentMethod remembers the verification results of its first charge.
  if (pm.card?.checks && pm.card.checks.cvc_check === 'unchecked') {
    ctx.store.update({ ...pm, card: { ...pm.card, checks: input.checks } });
  }

  if (input.decline) {
    recordEvent(ctx, 'charge.failed', charge);
    throw declineIntent(ctx, intent, pm, input.decline, charge.id);
  }

  if (intent.capture_method === 'manual') {
    // Authorized only: the money is held until captured, for at most AUTHORIZATION_LIFETIME_SECONDS.
    const authorized: Stripe.PaymentIntent = {
      ...intent,
      status: 'requires_capture',
      amount_capturable: intent.amount,
      latest_charge: charge.id,
      last_payment_error: null,
      next_action: null,
    };
    ctx.store.update(authorized);
    ctx.store.setCaptureDeadline(intent.id, charge.created + AUTHORIZATION_LIFETIME_SECONDS);
    afterSuccessfulPayment(ctx, intent, pm);
    recordEvent(ctx, 'charge.succeeded', charge);
    recordEvent(ctx, 'payment_intent.amount_capturable_updated', authorized, { amount_capturable: 0 });
    return authorized;
  }

  const succeeded: Stripe.PaymentIntent = {
    ...intent,
    status: 'succeeded',
    amount_received: intent.amount,
    latest_charge: charge.id,
    last_payment_error: null,
    next_action: null,
  };
  ctx.store.update(succeeded);
  afterSuccessfulPayment(ctx, intent, pm);
  recordEvent(ctx, 'charge.succeeded', charge);
  recordEvent(ctx, 'payment_intent.succeeded', succeeded);
  if (input.dispute) openDispute(ctx, charge, input.dispute.reason, input.dispute.status);
  return succeeded;
}
