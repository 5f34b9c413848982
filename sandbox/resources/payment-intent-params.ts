/** The parameters PaymentIntent create, update and confirm take, read with Stripe's validation errors. */
import type Stripe from 'stripe';

import type { RequestContext } from '../context.ts';
import { type ApiError, invalidRequest, unknownParam } from '../errors.ts';
import { formatAmount, MAX_AMOUNT, minimumAmount } from '../money.ts';
import { allowOnly, optionalBoolean, optionalObject, optionalString, optionalStringArray, type Params } from '../params.ts';

export const CONFIRM_PARAMS = [
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

export const CREATE_PARAMS = [
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
  'payment_method_data',
] as const;

export function validateAmount(amount: number, currency: string): void {
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
export function allowedTypes(p: Params): Stripe.PaymentIntent.AllowedPaymentMethodType[] | undefined {
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

export function unexpectedState(message: string): ApiError {
  return invalidRequest(message, { code: 'payment_intent_unexpected_state' });
}

const SETUP_FUTURE_USAGES = ['on_session', 'off_session'] as const;
type SetupFutureUsage = (typeof SETUP_FUTURE_USAGES)[number];

export function setupFutureUsage(p: Params): SetupFutureUsage | '' | undefined {
  const value = optionalString(p, 'setup_future_usage');
  if (value === undefined || value === '') return value;
  if (!(SETUP_FUTURE_USAGES as readonly string[]).includes(value)) {
    throw invalidRequest(`Invalid setup_future_usage: must be one of on_session or off_session`, { param: 'setup_future_usage' });
  }
  return value as SetupFutureUsage;
}

const REQUEST_THREE_D_SECURE = ['automatic', 'any', 'challenge'] as const;

export interface CardOptions {
  /** Mail-order/telephone-order: outside SCA, so no authentication is asked for. Only on accounts Stripe enabled. */
  moto?: boolean;
  requestThreeDSecure?: Stripe.PaymentIntent.PaymentMethodOptions.Card.RequestThreeDSecure;
}

/**
 * `payment_method_options[card]`. Stripe answers a gated parameter on an account without the feature
 * as an unknown parameter, which is what an account without MOTO sees for `moto`.
 */
export function cardOptions(ctx: RequestContext, p: Params, sfu: string | undefined): CardOptions {
  const options = optionalObject(p, 'payment_method_options');
  if (!options) return {};
  allowOnly(options, ['card'], 'payment_method_options');
  const card = optionalObject(options, 'card');
  if (!card) return {};
  if (card.moto !== undefined && !ctx.account.moto) throw unknownParam('payment_method_options[card][moto]');
  allowOnly(card, ['moto', 'request_three_d_secure'], 'payment_method_options[card]');
  const out: CardOptions = {};
  const moto = optionalBoolean(card, 'moto', 'payment_method_options[card][moto]');
  if (moto !== undefined) out.moto = moto;
  if (moto && sfu === 'on_session') {
    throw invalidRequest('payment_method_options[card][moto] can be set to true only when setup_future_usage is either off_session or null', {
      param: 'payment_method_options[card][moto]',
    });
  }
  const request = optionalString(card, 'request_three_d_secure', 'payment_method_options[card][request_three_d_secure]');
  if (request !== undefined) {
    if (!(REQUEST_THREE_D_SECURE as readonly string[]).includes(request)) {
      throw invalidRequest(`Invalid payment_method_options[card][request_three_d_secure]: must be one of ${REQUEST_THREE_D_SECURE.join(', ')}`, {
        param: 'payment_method_options[card][request_three_d_secure]',
      });
    }
    out.requestThreeDSecure = request as CardOptions['requestThreeDSecure'];
  }
  return out;
}

export interface ConfirmOptions {
  errorOnRequiresAction: boolean;
  offSession: boolean;
  returnUrl?: string;
  moto: boolean;
}

export function confirmOptions(p: Params, moto: boolean): ConfirmOptions {
  const returnUrl = optionalString(p, 'return_url');
  if (returnUrl !== undefined && !/^https?:\/\/[^\s]+$/i.test(returnUrl)) {
    throw invalidRequest('Invalid URL: return_url must be an absolute http or https URL.', { param: 'return_url' });
  }
  return {
    errorOnRequiresAction: optionalBoolean(p, 'error_on_requires_action') ?? false,
    offSession: p.off_session === 'true' || p.off_session === 'one_off' || p.off_session === 'recurring',
    returnUrl,
    moto,
  };
}
