import type Stripe from 'stripe';

import type { Decline } from '../cards.ts';
import type { Handler, RequestContext } from '../context.ts';
import { invalidRequest } from '../errors.ts';
import { newId, nowSeconds, randomToken } from '../ids.ts';
import { allowOnly, applyMetadata, listParams, optionalObject, optionalString, requiredString } from '../params.ts';
import { shippingParam } from '../shipping.ts';
import type { TestCard } from '../test-cards.ts';
import { recordEvent } from './events.ts';
import { listBody } from './lists.ts';
import { paymentMethodInternal } from './payment-methods.ts';

type Checks = Stripe.Charge.PaymentMethodDetails.Card.Checks;
export type ThreeDSecureDetails = Stripe.Charge.PaymentMethodDetails.Card.ThreeDSecure;

/** How the charge came to be: what the card and the issuer said, and how the customer was authenticated. */
export interface ChargeResult {
  decline?: Decline;
  checks: Checks;
  risk: { level: string; score: number };
  threeDSecure?: ThreeDSecureDetails | null;
  /** Marked as a mail-order/telephone-order payment. */
  moto?: boolean;
}

/** Card authorizations lapse after 7 days unless captured (Stripe's default for online card payments). */
export const AUTHORIZATION_LIFETIME_SECONDS = 7 * 24 * 60 * 60;

/** Verification results a charge reports, given what was provided and the test card's script. */
export function checkResults(ctx: RequestContext, pm: Stripe.PaymentMethod, test: TestCard | undefined): Checks {
  const internal = paymentMethodInternal(ctx, pm.id);
  const address = pm.billing_details.address;
  return {
    address_line1_check: address?.line1 ? (test?.checks?.line1 ?? 'pass') : null,
    address_postal_code_check: address?.postal_code ? (test?.checks?.postal ?? 'pass') : null,
    cvc_check: internal.cvcProvided ? (test?.checks?.cvc ?? 'pass') : null,
  };
}

/** The Charge a confirmation makes (or, with `id` and `created`, one imported from an app's history). */
export function buildCharge(
  baseUrl: string,
  pi: Stripe.PaymentIntent,
  pm: Stripe.PaymentMethod,
  result: ChargeResult,
  given: { id?: string; created?: number } = {},
): Stripe.Charge {
  const succeeded = !result.decline;
  const captured = succeeded && pi.capture_method !== 'manual';
  const card = pm.card!;
  const id = given.id ?? newId('ch');
  const created = given.created ?? nowSeconds();
  return {
    id,
    object: 'charge',
    amount: pi.amount,
    amount_captured: captured ? pi.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: captured ? newId('txn') : null,
    billing_details: pm.billing_details,
    calculated_statement_descriptor: 'KEYED SANDBOX',
    captured,
    created,
    currency: pi.currency,
    customer: typeof pi.customer === 'string' ? pi.customer : (pi.customer?.id ?? null),
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: result.decline?.code ?? null,
    failure_message: result.decline?.message ?? null,
    fraud_details: {},
    livemode: false,
    metadata: pi.metadata,
    on_behalf_of: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: result.decline?.outcome.network_status ?? 'approved_by_network',
      reason: result.decline?.outcome.reason ?? null,
      risk_level: result.risk.level,
      risk_score: result.risk.score,
      seller_message: result.decline?.outcome.seller_message ?? 'Payment complete.',
      type: result.decline?.outcome.type ?? 'authorized',
    },
    paid: succeeded,
    payment_intent: pi.id,
    payment_method: pm.id,
    payment_method_details: {
      type: 'card',
      card: {
        amount_authorized: succeeded ? pi.amount : null,
        authorization_code: succeeded ? randomToken(6).toUpperCase() : null,
        brand: card.brand,
        ...(succeeded && !captured ? { capture_before: created + AUTHORIZATION_LIFETIME_SECONDS } : {}),
        checks: result.checks,
        country: card.country,
        electronic_commerce_indicator: null,
        exp_month: card.exp_month,
        exp_year: card.exp_year,
        // The sandbox offers none of the authorization extensions; Stripe reports each as off.
        extended_authorization: { status: 'disabled' },
        fingerprint: card.fingerprint ?? null,
        funding: card.funding,
        incremental_authorization: { status: 'unavailable' },
        installments: null,
        last4: card.last4,
        mandate: null,
        ...(result.moto ? { moto: true } : {}),
        multicapture: { status: 'unavailable' },
        network: card.brand,
        network_token: { used: false },
        network_transaction_id: succeeded ? randomToken(15) : null,
        overcapture: { maximum_amount_capturable: pi.amount, status: 'unavailable' },
        regulated_status: 'unregulated',
        three_d_secure: result.threeDSecure ?? null,
        transaction_link_id: null,
        wallet: null,
      },
    },
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: succeeded ? `${baseUrl}/__sandbox/receipts/${id}` : null,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: succeeded ? 'succeeded' : 'failed',
    transfer_data: null,
    transfer_group: null,
  };
}

export const retrieveCharge: Handler = (ctx, { id }) => {
  allowOnly(ctx.params, ['expand']);
  return { status: 200, body: ctx.store.get<Stripe.Charge>(id, 'charge', { param: 'id' }) };
};

/** Stripe lets these change after the fact; everything about the payment itself stays. */
export const updateCharge: Handler = (ctx, { id }) => {
  const p = ctx.params;
  allowOnly(p, ['description', 'metadata', 'receipt_email', 'shipping', 'fraud_details', 'customer', 'transfer_group', 'expand']);
  const before = ctx.store.get<Stripe.Charge>(id, 'charge', { param: 'id' });
  let charge = before;
  if (p.description !== undefined) charge = { ...charge, description: optionalString(p, 'description') || null };
  if (p.receipt_email !== undefined) charge = { ...charge, receipt_email: optionalString(p, 'receipt_email') || null };
  if (p.transfer_group !== undefined) charge = { ...charge, transfer_group: optionalString(p, 'transfer_group') || null };
  if (p.metadata !== undefined) charge = { ...charge, metadata: applyMetadata(charge.metadata, p) };
  if (p.customer !== undefined) {
    const customer = requiredString(p, 'customer');
    if (charge.customer && charge.customer !== customer) {
      throw invalidRequest('This charge already has a customer; it cannot be changed.', { param: 'customer' });
    }
    charge = { ...charge, customer: ctx.store.get<Stripe.Customer>(customer, 'customer', { param: 'customer', status: 400 }).id };
  }
  const fraud = optionalObject(p, 'fraud_details');
  if (fraud) {
    allowOnly(fraud, ['user_report'], 'fraud_details');
    const report = optionalString(fraud, 'user_report', 'fraud_details[user_report]');
    if (report !== 'fraudulent' && report !== 'safe' && report !== '') {
      throw invalidRequest('Invalid fraud_details[user_report]: must be fraudulent or safe', { param: 'fraud_details[user_report]' });
    }
    charge = { ...charge, fraud_details: report ? { user_report: report } : {} };
  }
  if (p.shipping !== undefined) charge = { ...charge, shipping: shippingParam(p) };
  const previous: Record<string, unknown> = {};
  for (const key of Object.keys(charge) as (keyof Stripe.Charge)[]) {
    if (JSON.stringify(charge[key]) !== JSON.stringify(before[key])) previous[key] = before[key];
  }
  ctx.store.update(charge);
  if (Object.keys(previous).length > 0) recordEvent(ctx, 'charge.updated', charge, previous);
  return { status: 200, body: charge };
};

export const listCharges: Handler = (ctx) => {
  const q = listParams(ctx.params, ['payment_intent', 'customer', 'transfer_group']);
  const page = ctx.store.list<Stripe.Charge>('charge', {
    ...q,
    where: { payment_intent: optionalString(ctx.params, 'payment_intent') },
  });
  return { status: 200, body: listBody('/v1/charges', page) };
};
