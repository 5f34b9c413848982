import type Stripe from 'stripe';

import { cvcLength, detectBrand, displayBrand, fingerprint, luhnValid, validLengths } from '../cards.ts';
import type { Handler, RequestContext } from '../context.ts';
import { ApiError, docUrl, invalidRequest, missingParam, noSuch } from '../errors.ts';
import { newId, nowSeconds } from '../ids.ts';
import { allowOnly, applyMetadata, optionalObject, optionalString, type Params } from '../params.ts';
import { type TestCard, testCardByNumber, testCardByPaymentMethodId } from '../test-cards.ts';

/** Sandbox-private facts about a PaymentMethod; never the card number or CVC. */
export interface PaymentMethodInternal {
  /** Set only for Stripe's public test numbers, which decide the charge outcome. */
  testCard: string | null;
  cvcProvided: boolean;
  /** Set up for off-session use (a SetupIntent or a payment with setup_future_usage=off_session succeeded). */
  offSessionSetUp?: boolean;
  /** The intent that spent it while it was attached to no Customer; no other intent may use it. */
  consumedBy?: string;
  /** Detached from a Customer: never usable again. */
  detached?: boolean;
}

function cardError(code: string, message: string, param: string): ApiError {
  return new ApiError(402, { type: 'card_error', code, doc_url: docUrl(code), message, param });
}

function parseExpiry(card: Params, pn: ParamName): { month: number; year: number } {
  const rawMonth = card.exp_month;
  const rawYear = card.exp_year;
  if (rawMonth === undefined || rawMonth === '') throw missingParam(pn('card', 'exp_month'));
  if (rawYear === undefined || rawYear === '') throw missingParam(pn('card', 'exp_year'));
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

/** Names a nested parameter as Stripe reports it, under `prefix` when the card came in `payment_method_data`. */
type ParamName = (...path: string[]) => string;

function paramNamer(prefix: string): ParamName {
  return (...path) =>
    prefix
      ? `${prefix}${path.map((s) => `[${s}]`).join('')}`
      : `${path[0]}${path
          .slice(1)
          .map((s) => `[${s}]`)
          .join('')}`;
}

function billingDetails(params: Params, pn: ParamName): Stripe.PaymentMethod.BillingDetails {
  const raw = optionalObject(params, 'billing_details') ?? {};
  allowOnly(raw, ['name', 'email', 'phone', 'address', 'tax_id'], pn('billing_details'));
  const address = optionalObject(raw, 'address') ?? {};
  allowOnly(address, ['line1', 'line2', 'city', 'state', 'postal_code', 'country'], pn('billing_details', 'address'));
  const s = (p: Params, k: string, param: string) => {
    const v = optionalString(p, k, param);
    return v === undefined || v === '' ? null : v;
  };
  const a = (k: string) => s(address, k, pn('billing_details', 'address', k));
  return {
    address: { city: a('city'), country: a('country'), line1: a('line1'), line2: a('line2'), postal_code: a('postal_code'), state: a('state') },
    email: s(raw, 'email', pn('billing_details', 'email')),
    name: s(raw, 'name', pn('billing_details', 'name')),
    phone: s(raw, 'phone', pn('billing_details', 'phone')),
    tax_id: s(raw, 'tax_id', pn('billing_details', 'tax_id')),
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

/**
 * A card PaymentMethod from `type`, `card`, `billing_details` and `metadata`: the body of
 * POST /v1/payment_methods, or `payment_method_data` on a PaymentIntent (then `prefix` names its params).
 */
export function insertCardPaymentMethod(ctx: RequestContext, p: Params, prefix = ''): Stripe.PaymentMethod {
  const pn = paramNamer(prefix);
  allowOnly(p, ['type', 'card', 'billing_details', 'metadata', 'allow_redisplay', ...(prefix ? [] : ['expand'])], prefix);
  const type = optionalString(p, 'type', pn('type'));
  if (!type) throw missingParam(pn('type'));
  if (type !== 'card') {
    throw invalidRequest(`The sandbox supports only PaymentMethods of type \`card\`, not \`${type}\`.`, {
      param: pn('type'),
      code: 'parameter_invalid_string',
    });
  }
  const card = optionalObject(p, 'card');
  if (!card) throw missingParam(pn('card'));
  allowOnly(card, ['number', 'exp_month', 'exp_year', 'cvc', 'networks'], pn('card'));
  const rawNumber = optionalString(card, 'number', pn('card', 'number'));
  if (rawNumber === undefined || rawNumber === '') throw missingParam(pn('card', 'number'));
  const number = rawNumber.replace(/[\s-]/g, '');
  const brand = detectBrand(number);
  if (!/^\d+$/.test(number) || !validLengths(brand).includes(number.length) || !luhnValid(number)) {
    throw cardError('incorrect_number', 'Your card number is incorrect.', 'number');
  }
  const { month, year } = parseExpiry(card, pn);
  const cvc = optionalString(card, 'cvc', pn('card', 'cvc'));
  if (cvc !== undefined && cvc !== '' && !new RegExp(`^\\d{${cvcLength(brand)}}$`).test(cvc)) {
    throw cardError('invalid_cvc', "Your card's security code is invalid.", 'cvc');
  }
  const test = testCardByNumber(number);
  const pm = buildPaymentMethod({
    number,
    expMonth: month,
    expYear: year,
    cvcProvided: cvc !== undefined && cvc !== '',
    billing: billingDetails(p, pn),
    metadata: applyMetadata({}, p),
    test,
  });
  const internal: PaymentMethodInternal = { testCard: test?.number ?? null, cvcProvided: cvc !== undefined && cvc !== '' };
  ctx.store.insert(pm, internal);
  return pm;
}

export const createPaymentMethod: Handler = (ctx) => ({ status: 200, body: insertCardPaymentMethod(ctx, ctx.params) });

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
