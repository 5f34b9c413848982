/**
 * 3D Secure in the sandbox: an intent that needs authentication waits in `requires_action` on a
 * challenge (a sandbox-private object with an unguessable id and secret, like Stripe's `src_…`);
 * completing or failing the challenge goes on to the charge or back to `requires_payment_method`.
 */
import { randomUUID } from 'node:crypto';

import type Stripe from 'stripe';

import { DECLINES } from '../cards.ts';
import type { RequestContext } from '../context.ts';
import { ApiError, docUrl } from '../errors.ts';
import { newId, nowSeconds, randomToken } from '../ids.ts';
import type { StoredObject } from '../store.ts';
import { type Authentication, testCardByNumber } from '../test-cards.ts';
import { attemptCharge } from './charge-attempt.ts';
import { checkResults, type ThreeDSecureDetails } from './charges.ts';
import { recordEvent } from './events.ts';
import { unexpectedState } from './payment-intent-params.ts';
import { paymentMethodInternal, resolvePaymentMethod } from './payment-methods.ts';

/** Stripe's exact wording (see the reference guide in /work/shared/reference). */
const AUTHENTICATION_NOT_HANDLED_MESSAGE =
  "This payment required an authentication action to complete, but `error_on_requires_action` was set. When you're ready, you can upgrade your integration to handle actions at https://stripe.com/docs/payments/payment-intents/upgrade-to-handle-actions.";
const AUTHENTICATION_REQUIRED_DOC_URL = 'https://docs.stripe.com/error-codes#authentication-required';
const AUTHENTICATION_FAILED_MESSAGE =
  'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.';

/** One authentication the customer is asked to complete, for a PaymentIntent or a SetupIntent. Never served by /v1. */
export interface Challenge extends StoredObject {
  object: 'sandbox.three_d_secure_challenge';
  /** The intent's id: `pi_…`, or `seti_…` for a SetupIntent. */
  payment_intent: string;
  client_secret: string;
}

export type AnyIntent = Stripe.PaymentIntent | Stripe.SetupIntent;

export function challengeUrl(baseUrl: string, challenge: Pick<Challenge, 'id' | 'client_secret'>): string {
  return `${baseUrl}/redirect/authenticate/${challenge.id}?client_secret=${challenge.client_secret}`;
}

/** The challenge a `requires_action` intent waits on, read from its next action. */
export function pendingChallengeId(intent: AnyIntent): string | undefined {
  if (intent.status !== 'requires_action') return undefined;
  const sdk = intent.next_action?.use_stripe_sdk as { source?: unknown } | undefined;
  if (typeof sdk?.source === 'string') return sdk.source;
  const url = intent.next_action?.redirect_to_url?.url;
  return url ? /\/redirect\/authenticate\/(src_[A-Za-z0-9]+)/.exec(url)?.[1] : undefined;
}

/** `error_on_requires_action`: the confirmation fails instead of waiting; no charge is attempted. */
export function authenticationNotHandled(ctx: RequestContext, intent: Stripe.PaymentIntent, pm: Stripe.PaymentMethod): ApiError {
  const failed: Stripe.PaymentIntent = {
    ...intent,
    status: 'requires_payment_method',
    payment_method: null,
    last_payment_error: {
      code: 'authentication_required',
      decline_code: 'authentication_not_handled',
      doc_url: AUTHENTICATION_REQUIRED_DOC_URL,
      message: AUTHENTICATION_NOT_HANDLED_MESSAGE,
      payment_method: pm,
      type: 'card_error',
    },
    next_action: null,
  };
  ctx.store.update(failed);
  recordEvent(ctx, 'payment_intent.payment_failed', failed);
  return new ApiError(402, {
    type: 'card_error',
    code: 'authentication_required',
    decline_code: 'authentication_not_handled',
    doc_url: AUTHENTICATION_REQUIRED_DOC_URL,
    message: AUTHENTICATION_NOT_HANDLED_MESSAGE,
    payment_intent: failed,
    payment_method: pm,
  });
}

/** The intent waits for the customer: Stripe.js runs the challenge (`use_stripe_sdk`), or a redirect does. */
export function requireAuthentication<T extends AnyIntent>(ctx: RequestContext, intent: T, returnUrl?: string): T {
  const challenge: Challenge = {
    id: newId('src'),
    object: 'sandbox.three_d_secure_challenge',
    created: nowSeconds(),
    payment_intent: intent.id,
    client_secret: `src_client_secret_${randomToken(24)}`,
  };
  ctx.store.insert(challenge);
  const url = challengeUrl(ctx.baseUrl, challenge);
  const nextAction: Stripe.PaymentIntent.NextAction = returnUrl
    ? { type: 'redirect_to_url', redirect_to_url: { url, return_url: returnUrl } }
    : { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: url, source: challenge.id } };
  if (intent.object === 'setup_intent') {
    const waiting: Stripe.SetupIntent = {
      ...intent,
      status: 'requires_action',
      next_action: nextAction as Stripe.SetupIntent.NextAction,
      last_setup_error: null,
    };
    ctx.store.update(waiting);
    recordEvent(ctx, 'setup_intent.requires_action', waiting);
    return waiting as T;
  }
  const waiting: Stripe.PaymentIntent = { ...intent, status: 'requires_action', next_action: nextAction, last_payment_error: null };
  ctx.store.update(waiting);
  recordEvent(ctx, 'payment_intent.requires_action', waiting);
  return waiting as T;
}

function threeDSecure(pm: Stripe.PaymentMethod, auth: Authentication | undefined): ThreeDSecureDetails {
  if (auth?.lookupError) {
    return {
      authentication_flow: null,
      electronic_commerce_indicator: null,
      exemption_indicator: null,
      result: 'processing_error',
      result_reason: 'protocol_error',
      transaction_id: null,
      version: '2.2.0',
    };
  }
  return {
    authentication_flow: auth?.frictionless ? 'frictionless' : 'challenge',
    electronic_commerce_indicator: pm.card?.brand === 'mastercard' ? '02' : '05',
    exemption_indicator: null,
    result: 'authenticated',
    result_reason: null,
    transaction_id: randomUUID(),
    version: '2.2.0',
  };
}

export type AuthenticationOutcome = 'succeed' | 'fail';

/**
 * The end of a challenge. Success goes on to the charge (which the card may still decline); failure
 * leaves the intent needing a new payment method, with no charge. A card whose 3DS lookup errors
 * (4000 0084 0000 1280) never shows a challenge: whatever the outcome, the payment is declined.
 */
export function completeAuthentication(ctx: RequestContext, intentId: string, outcome: AuthenticationOutcome): Stripe.PaymentIntent {
  const intent = ctx.store.get<Stripe.PaymentIntent>(intentId, 'payment_intent', { param: 'intent' });
  if (intent.status !== 'requires_action' || typeof intent.payment_method !== 'string') {
    throw unexpectedState(`This PaymentIntent has a status of ${intent.status}; there is no authentication to complete.`);
  }
  const pm = resolvePaymentMethod(ctx, intent.payment_method);
  const test = testCardByNumber(paymentMethodInternal(ctx, pm.id).testCard ?? '');
  const auth = test?.behavior.kind === 'authenticate' ? test.behavior : undefined;
  const base: Stripe.PaymentIntent = { ...intent, next_action: null };
  if (outcome === 'fail' && !auth?.lookupError) {
    const failed: Stripe.PaymentIntent = {
      ...base,
      status: 'requires_payment_method',
      payment_method: null,
      last_payment_error: {
        code: 'payment_intent_authentication_failure',
        doc_url: docUrl('payment_intent_authentication_failure'),
        message: AUTHENTICATION_FAILED_MESSAGE,
        payment_method: pm,
        type: 'invalid_request_error',
      },
    };
    ctx.store.update(failed);
    recordEvent(ctx, 'payment_intent.payment_failed', failed);
    return failed;
  }
  const after = auth?.afterAuthentication ?? 'succeed';
  try {
    return attemptCharge(ctx, base, pm, {
      decline: after === 'succeed' ? undefined : DECLINES[after],
      checks: checkResults(ctx, pm, test),
      risk: test?.risk ?? { level: 'normal', score: 25 },
      dispute: test?.dispute,
      threeDSecure: threeDSecure(pm, auth),
    });
  } catch (error) {
    if (error instanceof ApiError && error.status === 402 && error.body.payment_intent) return error.body.payment_intent;
    throw error;
  }
}

/** Whether the challenge page should skip the buttons: the issuer decides without the customer. */
export function challengeIsAutomatic(ctx: RequestContext, intent: AnyIntent): boolean {
  if (typeof intent.payment_method !== 'string') return false;
  const behavior = testCardByNumber(paymentMethodInternal(ctx, intent.payment_method).testCard ?? '')?.behavior;
  return behavior?.kind === 'authenticate' && Boolean(behavior.lookupError || behavior.frictionless);
}
