/**
 * Imports payments that happened "before the sandbox existed" (an app's demo history), so that the
 * sandbox's records agree with the app's: the PaymentMethod, the succeeded PaymentIntent and Charge,
 * and any refunds, under the ids the app already holds. Refunding such a charge through the API then
 * works like any other. No events are recorded: history is not news, and no webhook fires.
 */
import { createHash } from 'node:crypto';

import type Stripe from 'stripe';

import { type Brand, displayBrand } from './cards.ts';
import { newId, randomToken } from './ids.ts';
import { isRecord } from './params.ts';
import { buildCharge } from './resources/charges.ts';
import type { PaymentMethodInternal } from './resources/payment-methods.ts';
import type { Store } from './store.ts';

export interface HistoricalRefund {
  id: string;
  amount: number;
  /** Unix seconds. */
  created: number;
  reason?: Stripe.Refund.Reason | null;
}

export interface HistoricalPayment {
  paymentIntentId: string;
  chargeId: string;
  paymentMethodId: string;
  amount: number;
  currency: string;
  /** Unix seconds. */
  created: number;
  description?: string | null;
  receiptEmail?: string | null;
  metadata?: Record<string, string>;
  card: { brand: string; last4: string; country: string; expMonth: number; expYear: number; funding: string };
  refunds?: HistoricalRefund[];
}

const ID = /^[a-z]{2,4}_[A-Za-z0-9]{8,64}$/;
// Stripe's test PaymentMethods (pm_card_visa, pm_card_chargeDeclined …) are ids a charge can carry too.
const PAYMENT_METHOD_ID = /^pm_[A-Za-z0-9_]{3,250}$/;

/** Checks one payment's shape; returns a message naming the first problem, or null. */
export function invalidHistoricalPayment(p: unknown): string | null {
  if (!isRecord(p)) return 'each payment must be an object';
  for (const key of ['paymentIntentId', 'chargeId', 'paymentMethodId'] as const) {
    const shape = key === 'paymentMethodId' ? PAYMENT_METHOD_ID : ID;
    if (typeof p[key] !== 'string' || !shape.test(p[key] as string)) return `${key} must be a Stripe-shaped id`;
  }
  if (!Number.isSafeInteger(p.amount) || (p.amount as number) < 1) return 'amount must be a positive integer';
  if (typeof p.currency !== 'string' || !/^[a-z]{3}$/.test(p.currency)) return 'currency must be a lowercase ISO code';
  if (!Number.isSafeInteger(p.created)) return 'created must be unix seconds';
  const card = p.card;
  if (!isRecord(card) || typeof card.brand !== 'string' || typeof card.last4 !== 'string' || !/^\d{4}$/.test(card.last4)) return 'card needs brand and last4';
  const refunds = p.refunds ?? [];
  if (!Array.isArray(refunds)) return 'refunds must be a list';
  let total = 0;
  for (const r of refunds) {
    if (!isRecord(r) || typeof r.id !== 'string' || !ID.test(r.id) || !Number.isSafeInteger(r.amount) || (r.amount as number) < 1)
      return 'each refund needs an id and a positive amount';
    total += r.amount as number;
  }
  if (total > (p.amount as number)) return 'refunds exceed the amount';
  return null;
}

/** Inserts the payments (skipping any id already present) in one transaction. */
export function importHistoricalPayments(store: Store, payments: HistoricalPayment[], baseUrl: string): { imported: number; skipped: number } {
  let imported = 0;
  let skipped = 0;
  store.transaction(() => {
    for (const p of payments) {
      if (store.find(p.paymentIntentId, 'payment_intent') || store.find(p.chargeId, 'charge')) {
        skipped++;
        continue;
      }
      const pm = paymentMethod(p);
      const internal: PaymentMethodInternal = { testCard: null, cvcProvided: true };
      if (!store.find(pm.id, 'payment_method')) store.insert(pm, internal);
      const refunded = (p.refunds ?? []).reduce((n, r) => n + r.amount, 0);
      const intent = paymentIntent(p);
      const charge = buildCharge(
        baseUrl,
        intent,
        pm,
        { checks: pm.card!.checks!, risk: { level: 'normal', score: 32 } },
        { id: p.chargeId, created: p.created },
      );
      store.insert({ ...charge, amount_refunded: refunded, refunded: refunded === p.amount });
      store.insert(intent);
      for (const r of p.refunds ?? []) store.insert(refund(p, r));
      imported++;
    }
  });
  return { imported, skipped };
}

function paymentMethod(p: HistoricalPayment): Stripe.PaymentMethod {
  const brand = p.card.brand as Brand;
  return {
    id: p.paymentMethodId,
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: null,
      name: null,
      phone: null,
      tax_id: null,
    },
    card: {
      brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: p.card.country,
      display_brand: displayBrand(brand),
      exp_month: p.card.expMonth,
      exp_year: p.card.expYear,
      // Stable per imported card; there is no card number to derive it from.
      fingerprint: createHash('sha256')
        .update(`history:${p.paymentMethodId}`)
        .digest('base64')
        .replace(/[^A-Za-z0-9]/g, '')
        .slice(0, 16),
      funding: p.card.funding,
      generated_from: null,
      last4: p.card.last4,
      networks: { available: [brand], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: p.created,
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: 'card',
  };
}

function paymentIntent(p: HistoricalPayment): Stripe.PaymentIntent {
  return {
    id: p.paymentIntentId,
    object: 'payment_intent',
    allowed_payment_method_types: ['card'],
    amount: p.amount,
    amount_capturable: 0,
    amount_received: p.amount,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic_async',
    client_secret: `${p.paymentIntentId}_secret_${randomToken(25)}`,
    confirmation_method: 'automatic',
    created: p.created,
    currency: p.currency,
    customer: null,
    customer_account: null,
    description: p.description ?? null,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: p.chargeId,
    livemode: false,
    managed_payments: null,
    metadata: p.metadata ?? {},
    next_action: null,
    on_behalf_of: null,
    payment_method: p.paymentMethodId,
    payment_method_configuration_details: null,
    payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
    payment_method_types: ['card'],
    payment_record: null,
    processing: null,
    receipt_email: p.receiptEmail ?? null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'succeeded',
    transfer_data: null,
    transfer_group: null,
  };
}

function refund(p: HistoricalPayment, r: HistoricalRefund): Stripe.Refund {
  return {
    id: r.id,
    object: 'refund',
    amount: r.amount,
    balance_transaction: newId('txn'),
    charge: p.chargeId,
    created: r.created,
    currency: p.currency,
    customer: null,
    customer_account: null,
    destination_details: { card: { reference_status: 'available', reference_type: 'acquirer_reference_number', type: 'refund' }, type: 'card' },
    metadata: {},
    payment_intent: p.paymentIntentId,
    payment_method: p.paymentMethodId,
    reason: r.reason ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
}
