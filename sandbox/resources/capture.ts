/**
 * Manual capture: an authorized intent (`requires_capture`) is captured in full or in part, or its hold is
 * released by a cancel, or it lapses on its own after AUTHORIZATION_LIFETIME_SECONDS (7 days), as Stripe
 * documents for online card payments: the intent is canceled (`automatic`) and `charge.expired` fires.
 */
import type Stripe from 'stripe';

import type { Handler, RequestContext } from '../context.ts';
import { invalidRequest } from '../errors.ts';
import { nowSeconds } from '../ids.ts';
import { formatAmount } from '../money.ts';
import { allowOnly, applyMetadata, optionalInteger, optionalString } from '../params.ts';
import { recordEvent } from './events.ts';
import { unexpectedState } from './payment-intent-params.ts';

function latestCharge(ctx: RequestContext, intent: Stripe.PaymentIntent): Stripe.Charge {
  const id = typeof intent.latest_charge === 'string' ? intent.latest_charge : intent.latest_charge!.id;
  return ctx.store.get<Stripe.Charge>(id, 'charge');
}

export const capturePaymentIntent: Handler = (ctx, { id }) => {
  const p = ctx.params;
  allowOnly(p, ['amount_to_capture', 'metadata', 'statement_descriptor', 'statement_descriptor_suffix', 'final_capture', 'expand']);
  const intent = ctx.store.get<Stripe.PaymentIntent>(id, 'payment_intent', { param: 'intent' });
  if (intent.status !== 'requires_capture') {
    throw unexpectedState(
      `This PaymentIntent could not be captured because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`,
    );
  }
  const amount = optionalInteger(p, 'amount_to_capture') ?? intent.amount_capturable;
  if (amount < 1) throw invalidRequest('Invalid positive integer', { param: 'amount_to_capture', code: 'parameter_invalid_integer' });
  if (amount > intent.amount_capturable) {
    throw invalidRequest(
      `The amount to capture (${formatAmount(amount, intent.currency)}) must be less than or equal to the amount capturable on this PaymentIntent (${formatAmount(intent.amount_capturable, intent.currency)}).`,
      { param: 'amount_to_capture', code: 'amount_too_large' },
    );
  }
  const charge = latestCharge(ctx, intent);
  // Whatever is not captured is released: reported as refunded on the charge, as Stripe does.
  const captured: Stripe.Charge = {
    ...charge,
    captured: true,
    amount_captured: amount,
    amount_refunded: charge.amount - amount,
    balance_transaction: charge.balance_transaction ?? `txn_${charge.id.slice(3)}`,
  };
  ctx.store.update(captured);
  const succeeded: Stripe.PaymentIntent = {
    ...intent,
    status: 'succeeded',
    amount_capturable: 0,
    amount_received: amount,
    metadata: applyMetadata(intent.metadata, p),
    statement_descriptor: optionalString(p, 'statement_descriptor') ?? intent.statement_descriptor,
    statement_descriptor_suffix: optionalString(p, 'statement_descriptor_suffix') ?? intent.statement_descriptor_suffix,
  };
  ctx.store.update(succeeded);
  ctx.store.setCaptureDeadline(intent.id, null);
  recordEvent(ctx, 'charge.captured', captured, { captured: false, amount_captured: 0 });
  recordEvent(ctx, 'payment_intent.succeeded', succeeded);
  return { status: 200, body: succeeded };
};

/** Releases an authorization's hold (cancel, or expiry): the charge reports the whole amount released. */
export function releaseAuthorization(ctx: RequestContext, intent: Stripe.PaymentIntent, expired: boolean): void {
  const charge = latestCharge(ctx, intent);
  const released: Stripe.Charge = { ...charge, refunded: true, amount_refunded: charge.amount };
  ctx.store.update(released);
  ctx.store.setCaptureDeadline(intent.id, null);
  if (expired) recordEvent(ctx, 'charge.expired', released);
  else recordEvent(ctx, 'charge.refunded', released, { refunded: false, amount_refunded: 0 });
}

/** Cancels authorizations past their 7 days. Runs before each API request; the lookup is indexed. */
export function expireLapsedAuthorizations(ctx: RequestContext, now = nowSeconds()): number {
  let expired = 0;
  for (const id of ctx.store.dueCaptureDeadlines(now)) {
    const intent = ctx.store.find<Stripe.PaymentIntent>(id, 'payment_intent');
    if (!intent || intent.status !== 'requires_capture') {
      ctx.store.setCaptureDeadline(id, null);
      continue;
    }
    releaseAuthorization(ctx, intent, true);
    const canceled: Stripe.PaymentIntent = { ...intent, status: 'canceled', amount_capturable: 0, canceled_at: now, cancellation_reason: 'automatic' };
    ctx.store.update(canceled);
    recordEvent(ctx, 'payment_intent.canceled', canceled);
    expired += 1;
  }
  return expired;
}
