import type Stripe from 'stripe';

import { cvcLength, detectBrand, displayBrand, fingerprint, luhnValid, validLengths } from '../cards.ts';
import type { Handler, RequestContext } from '../context.ts';
import { ApiError, docUrl, invalidRequest, missingParam, noSuch } from '../errors.ts';
import { newId, nowSeconds } from '../ids.ts';
import { allowOnly, applyMetadata, optionalObject, optionalString, type Params, requiredString } from '../params.ts';
import { type TestCard, testCardByNumber, testCardByPaymentMethodId } from '../test-cards.ts';

/** Sandbox-private facts about a PaymentMethod; never the card number or CVC. */
export interface PaymentMethodInternal {
  /** Set only for Stripe's public test numbers, which decide the charge outcome. */
  testCard: string | null;
  cvcProvided: boolean;
  /** Set up for off-session use (a SetupIntent or a payment with setup_future_usage=off_session succeeded). */
  offSessionSetUp?: boolean;
}

function cardError(code: string, message: string, param: string): ApiError {
  return new ApiError(402, { type: 'card_error', code, doc_url: docUrl(code), message, param });
}

function parseExpiry(card: Params): { month: number; year: number } {
  const rawMonth = card.exp_month;
  const rawYear = card.exp_year;
  if (rawMonth === undefined || rawMonth === '') throw missingParam('card[exp_month]');
  if (rawYear === undefined || rawYear === '') throw missingParam('card[exp_year]');
  const month = typeof rawMonth === 'string' && /^\d{1,2}$/.test(rawMonth) ? Number(rawMonth) : NaN;
  if (!(month >= 1 && month <= 12)) throw cardError('invalid_expiry_month', "Your card's expiration month is invalid.", 'exp_month');
  let year = typeof rawYear === 'string' && /^(\d{2}|\d{4})$/.test(rawYear) ? Number(rawYear) : NaN;
  if (year < 100) year += 2000;
  const now = new Date();
  const thisYear = now.getUTCFullYear();
  if (!(year >= thisYear && year <= thisYear + 50)) {
    throw cardError('invalid_expiry_year', "Your card's expiration year is invalid.", 'exp_year');
  }
  if (year === thisYear && month < now.getUTCMonth() + 1) {
    throw cardError('invalid_expiry_month', "Your card's expiration month is invalid.", 'exp_month');
  }
  return { month, year };
}

function billingDetails(params: Params): Stripe.PaymentMethod.BillingDetails {
  const raw = optionalObject(params, 'billing_details') ?? {};
  allowOnly(raw, ['name', 'email', 'phone', 'address', 'tax_id'], 'billing_details');
  const address = optionalObject(raw, 'address') ?? {};
  allowOnly(address, ['line1', 'line2', 'city', 'state', 'postal_code', 'country'], 'billing_details[address]');
  const s = (p: Params, k: string, param: string) => {
    const v = optionalString(p, k, param);
    return v === undefined || v === '' ? null : v;
  };
  return {
    address: {
      city: s(address, 'city', 'billing_details[address][city]'),
      country: s(address, 'country', 'billing_details[address][country]'),
      line1: s(address, 'line1', 'billing_details[address][line1]'),
      line2: s(address, 'line2', 'billing_details[address][line2]'),
      postal_code: s(address, 'postal_code', 'billing_details[address][postal_code]'),
      state: s(address, 'state', 'billing_details[address][state]'),
    },
    email: s(raw, 'email', 'billing_details[email]'),
    name: s(raw, 'name', 'billing_details[name]'),
    phone: s(raw, 'phone', 'billing_details[phone]'),
    tax_id: s(raw, 'tax_id', 'billing_details[tax_id]'),
  };
}

function buildPaymentMethod(opts: {
  number: string;
  expMonth: number;
  expYear: number;
  cvcProvided: boolean;
  billing: Stripe.PaymentMethod.BillingDetails;
  metadata: Stripe.Metadata;
  test: TestCard | undefined;
}): Stripe.PaymentMethod {
  const brand = opts.test?.brand ?? detectBrand(opts.number);
  const address = opts.billing.address;
  return {
    id: newId('pm'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: opts.billing,
    card: {
      brand,
      checks: {
        address_line1_check: address?.line1 ? 'unchecked' : null,
        address_postal_code_check: address?.postal_code ? 'unchecked' : null,
        cvc_check: opts.cvcProvided ? 'unchecked' : null,
      },
      country: opts.test?.country ?? 'US',
      display_brand: displayBrand(brand),
      exp_month: opts.expMonth,
      exp_year: opts.expYear,
      fingerprint: fingerprint(opts.number),
      funding: opts.test?.funding ?? 'credit',
      generated_from: null,
      last4: opts.number.slice(-4),
      networks: { available: [brand], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: nowSeconds(),
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: opts.metadata,
    type: 'card',
  };
}

export const createPaymentMethod: Handler = (ctx) => {
  const p = ctx.params;
  allowOnly(p, ['type', 'card', 'billing_details', 'metadata', 'expand', 'allow_redisplay']);
  const type = requiredString(p, 'type');
  if (type !== 'card') {
    throw invalidRequest(`The sandbox supports only PaymentMethods of type \`card\`, not \`${type}\`.`, {
      param: 'type',
      code: 'parameter_invalid_string',
    });
  }
  const card = optionalObject(p, 'card');
  if (!card) throw missingParam('card');
  allowOnly(card, ['number', 'exp_month', 'exp_year', 'cvc', 'networks'], 'card');
  const rawNumber = optionalString(card, 'number', 'card[number]');
  if (rawNumber === undefined || rawNumber === '') throw missingParam('card[number]');
  const number = rawNumber.replace(/[\s-]/g, '');
  const brand = detectBrand(number);
  if (!/^\d+$/.test(number) || !validLengths(brand).includes(number.length) || !luhnValid(number)) {
    throw cardError('incorrect_number', 'Your card number is incorrect.', 'number');
  }
  const { month, year } = parseExpiry(card);
  const cvc = optionalString(card, 'cvc', 'card[cvc]');
  if (cvc !== undefined && cvc !== '' && !new RegExp(`^\\d{${cvcLength(brand)}}$`).test(cvc)) {
    throw cardError('invalid_cvc', "Your card's security code is invalid.", 'cvc');
  }
  const test = testCardByNumber(number);
  const pm = buildPaymentMethod({
    number,
    expMonth: month,
    expYear: year,
    cvcProvided: cvc !== undefined && cvc !== '',
    billing: billingDetails(p),
    metadata: applyMetadata({}, p),
    test,
  });
  const internal: PaymentMethodInternal = { testCard: test?.number ?? null, cvcProvided: cvc !== undefined && cvc !== '' };
  ctx.store.insert(pm, internal);
  return { status: 200, body: pm };
};

/**
 * A stored PaymentMethod, or a fresh one for Stripe's test ids (`pm_card_visa` …):
 * like Stripe, each use of a test id creates a new PaymentMethod with its own id.
 */
export function resolvePaymentMethod(ctx: RequestContext, id: string, opts: { param?: string; status?: number } = {}): Stripe.PaymentMethod {
  const stored = ctx.store.find<Stripe.PaymentMethod>(id, 'payment_method');
  if (stored) return stored;
  const test = testCardByPaymentMethodId(id);
  if (!test) throw noSuch('PaymentMethod', id, { param: opts.param ?? 'payment_method', status: opts.status ?? 400 });
  const now = new Date();
  const needsAddress = test.checks?.postal !== undefined || test.checks?.line1 !== undefined;
  const pm = buildPaymentMethod({
    number: test.number,
    expMonth: now.getUTCMonth() + 1,
    expYear: now.getUTCFullYear() + 1,
    cvcProvided: true,
    billing: {
      address: {
        city: null,
        country: null,
        line1: needsAddress ? '1 Test Street' : null,
        line2: null,
        postal_code: needsAddress ? '10001' : null,
        state: null,
      },
      email: null,
      name: null,
      phone: null,
      tax_id: null,
    },
    metadata: {},
    test,
  });
  const internal: PaymentMethodInternal = { testCard: test.number, cvcProvided: true };
  ctx.store.insert(pm, internal);
  return pm;
}

export const retrievePaymentMethod: Handler = (ctx, { id }) => {
  allowOnly(ctx.params, ['expand']);
  return { status: 200, body: resolvePaymentMethod(ctx, id, { param: 'payment_method', status: 404 }) };
};

export function paymentMethodInternal(ctx: RequestContext, id: string): PaymentMethodInternal {
  return ctx.store.internal<PaymentMethodInternal>(id) ?? { testCard: null, cvcProvided: false };
}

/** Set up for off-session use: later off-session payments skip authentication where the card allows it. */
export function markSetUpForOffSession(ctx: RequestContext, id: string): void {
  const pm = ctx.store.find<Stripe.PaymentMethod>(id, 'payment_method');
  if (!pm) return;
  ctx.store.update(pm, { ...paymentMethodInternal(ctx, id), offSessionSetUp: true });
}
