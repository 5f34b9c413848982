/** The end of a challenge for either kind of intent: a PaymentIntent goes on to its charge, a SetupIntent to the saved card. */
import type Stripe from 'stripe';

import type { RequestContext } from '../context.ts';
import { docUrl } from '../errors.ts';
import { testCardByNumber } from '../test-cards.ts';
import { type AnyIntent, type AuthenticationOutcome, completeAuthentication } from './authentication.ts';
import { recordEvent } from './events.ts';
import { unexpectedState } from './payment-intent-params.ts';
import { paymentMethodInternal, resolvePaymentMethod } from './payment-methods.ts';
import { setupSucceeded } from './setup-intents.ts';

export function findIntent(ctx: RequestContext, id: string): AnyIntent | undefined {
  return id.startsWith('seti_') ? ctx.store.find<Stripe.SetupIntent>(id, 'setup_intent') : ctx.store.find<Stripe.PaymentIntent>(id, 'payment_intent');
}

function completeSetupAuthentication(ctx: RequestContext, id: string, outcome: AuthenticationOutcome): Stripe.SetupIntent {
  const intent = ctx.store.get<Stripe.SetupIntent>(id, 'setup_intent', { param: 'intent' });
  if (intent.status !== 'requires_action' || typeof intent.payment_method !== 'string') {
    throw unexpectedState(`This SetupIntent has a status of ${intent.status}; there is no authentication to complete.`);
  }
  const pm = resolvePaymentMethod(ctx, intent.payment_method);
  const behavior = testCardByNumber(paymentMethodInternal(ctx, pm.id).testCard ?? '')?.behavior;
  // A card whose 3DS lookup errors cannot be authenticated, so it cannot be set up either.
  if (outcome === 'succeed' && !(behavior?.kind === 'authenticate' && behavior.lookupError)) return setupSucceeded(ctx, intent, pm.id);
  const failed: Stripe.SetupIntent = {
    ...intent,
    status: 'requires_payment_method',
    payment_method: null,
    next_action: null,
    last_setup_error: {
      code: 'setup_intent_authentication_failure',
      doc_url: docUrl('setup_intent_authentication_failure'),
      message: 'The latest attempt to set up the payment method has failed because authentication failed.',
      payment_method: pm,
      type: 'invalid_request_error',
    },
  };
  ctx.store.update(failed);
  recordEvent(ctx, 'setup_intent.setup_failed', failed);
  return failed;
}

export function settleChallenge(ctx: RequestContext, intentId: string, outcome: AuthenticationOutcome): AnyIntent {
  return intentId.startsWith('seti_') ? completeSetupAuthentication(ctx, intentId, outcome) : completeAuthentication(ctx, intentId, outcome);
}
