/** PaymentIntent actions after creation: confirm, and (manual capture) capture. */
import type Stripe from 'stripe';

import type { Handler } from '../context.ts';
import { ApiError } from '../errors.ts';
import { allowOnly, optionalString } from '../params.ts';
import { confirm } from './confirmation.ts';
import { CONFIRM_PARAMS, confirmOptions, unexpectedState } from './payment-intent-params.ts';
import { applyFutureUsageAndOptions, applyPaymentMethod, checkClientSecret, intentInternal, publishableView, visible } from './payment-intent-state.ts';

export const confirmPaymentIntent: Handler = (ctx, { id }) => {
  const p = ctx.params;
  allowOnly(p, [...CONFIRM_PARAMS, 'payment_method_data']);
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
