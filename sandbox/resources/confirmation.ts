/**
 * Confirming a PaymentIntent: decide, from the test card's script and how the payment is made
 * (on or off session, MOTO, error_on_requires_action), whether it needs the customer's authentication,
 * is soft-declined for the lack of it, or goes straight to the charge.
 */
import type Stripe from 'stripe';

import { type Decline, DECLINES } from '../cards.ts';
import type { RequestContext } from '../context.ts';
import { type Authentication, testCardByNumber } from '../test-cards.ts';
import { authenticationNotHandled, requireAuthentication } from './authentication.ts';
import { attemptCharge } from './charge-attempt.ts';
import { checkResults } from './charges.ts';
import { type ConfirmOptions, unexpectedState } from './payment-intent-params.ts';
import { paymentMethodInternal, resolvePaymentMethod } from './payment-methods.ts';

/**
 * Whether a payment on an authentication card is exempt from the challenge: MOTO payments are outside SCA,
 * and an off-session payment on a card set up for off-session use goes through where the card allows it.
 */
function exemptFromAuthentication(auth: Authentication, setUp: boolean, opts: ConfirmOptions): boolean {
  if (opts.moto) return true;
  return opts.offSession && auth.offSession === 'when_set_up' && (setUp || auth.setUp === true);
}

/** Runs the payment attempt; returns the intent as stored, or throws Stripe's 402 with the intent inside. */
export function confirm(ctx: RequestContext, intent: Stripe.PaymentIntent, opts: ConfirmOptions): Stripe.PaymentIntent {
  if (!intent.payment_method) {
    throw unexpectedState(
      "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
    );
  }
  const pmId = typeof intent.payment_method === 'string' ? intent.payment_method : intent.payment_method.id;
  const pm = resolvePaymentMethod(ctx, pmId);
  const internal = paymentMethodInternal(ctx, pm.id);
  const test = testCardByNumber(internal.testCard ?? '');
  const checks = checkResults(ctx, pm, test);
  const base: Stripe.PaymentIntent = { ...intent, payment_method: pm.id };
  const charge = (decline: Decline | undefined) =>
    attemptCharge(ctx, base, pm, {
      decline,
      checks,
      risk: test?.risk ?? { level: 'normal', score: 20 + Math.floor(Math.random() * 20) },
      dispute: test?.dispute,
      moto: opts.moto,
    });

  const behavior = test?.behavior;
  if (behavior?.kind === 'authenticate') {
    if (exemptFromAuthentication(behavior, internal.offSessionSetUp === true, opts)) {
      return charge(behavior.afterAuthentication === 'succeed' ? undefined : DECLINES[behavior.afterAuthentication]);
    }
    if (opts.offSession) return charge(DECLINES.authentication_required);
    if (opts.errorOnRequiresAction) throw authenticationNotHandled(ctx, base, pm);
    return requireAuthentication(ctx, base, opts.returnUrl);
  }
  if (behavior?.kind === 'decline') return charge(DECLINES[behavior.decline]);
  return charge(checks.cvc_check === 'fail' ? DECLINES.incorrect_cvc : undefined);
}
