import { DAY_MS } from '../app/platform/utc-day';
import { stripeRefundKey } from '../app/refunds/stripe-refunds.server';
import type { Currency } from '../db/schema';
import type { AttemptRow, InvoiceRow } from './bulk-insert';
import {
  AUTHENTICATION,
  BLOCKED_SHARE,
  BRANDS,
  BUSINESSES,
  CAD_COUNTRIES,
  COUNTRY_BLOCKED_MESSAGE,
  type Decline,
  DECLINE_SHARE,
  DECLINES,
  DESCRIPTIONS,
  FIRST,
  FUNDING,
  LAST,
  USD_COUNTRIES,
} from './history-catalogue';
import { BASE64URL, invoiceAmount, oneOf, pick, type Random, stripeId, token } from './random';

/** One invoice and the attempts made on it: a first try, and after a decline perhaps more (recovered or not). */
export function planInvoice(
  rand: Random,
  ctx: {
    id: number;
    dayStart: number;
    dayEnd: number;
    endAt: number;
    authShare: number;
    staffWeights: readonly (readonly [number, number])[];
    refunders: number[];
    maxAttempts: number;
  },
): { invoice: InvoiceRow; attempts: AttemptRow[] } {
  const currency: Currency = rand() < 0.6 ? 'usd' : 'cad';
  const business = rand() < 0.3;
  const first = oneOf(rand, FIRST);
  const last = oneOf(rand, LAST);
  const customerName = business ? oneOf(rand, BUSINESSES) : `${first} ${last}`;
  const email =
    rand() < 0.85
      ? `${
          business
            ? 'accounts'
            : `${first}.${last}`
                .toLowerCase()
                .normalize('NFD')
                .replace(/[^a-z.]/g, '')
        }@example.com`
      : null;
  const userId = pick(rand, ctx.staffWeights);
  // Business hours, roughly 13:00–01:00 UTC (North American daytime), with a sprinkle at night.
  const hour = rand() < 0.9 ? 13 + rand() * 12 : rand() * 24;
  const span = ctx.dayEnd - ctx.dayStart;
  let at = ctx.dayStart + Math.floor(((hour % 24) / 24) * span);
  const invoice: InvoiceRow = {
    id: ctx.id,
    number: `INV-${1000 + ctx.id}`,
    customerName,
    email,
    phone: rand() < 0.7 ? `+1 (${200 + Math.floor(rand() * 700)}) 555-01${String(Math.floor(rand() * 100)).padStart(2, '0')}` : null,
    description: oneOf(rand, DESCRIPTIONS),
    amount: invoiceAmount(rand),
    currency,
    status: 'open',
    amountRefunded: 0,
    createdBy: userId,
    createdAt: Math.max(ctx.dayStart, at - Math.floor(rand() * 3_600_000)),
    paidAt: null,
    voidedAt: null,
  };
  const rows: AttemptRow[] = [];
  let card = newCard(rand, currency, at);
  let declinedBefore = false;
  while (rows.length < Math.min(3, ctx.maxAttempts)) {
    const row = attemptOn(rand, invoice, card, userId, at, ctx.authShare, declinedBefore);
    rows.push(row);
    if (row.status === 'succeeded') {
      invoice.status = 'paid';
      invoice.paidAt = row.settledAt;
      addRefunds(rand, invoice, row, ctx.endAt, ctx.refunders);
      break;
    }
    declinedBefore = true;
    // After a decline, about half of customers try again within the hour: the same card after a
    // processing error, otherwise another card.
    const retry = row.failureCode === 'processing_error' ? 0.8 : row.failureCode === 'authentication_required' ? 0.4 : 0.55;
    if (rand() >= retry) break;
    const next = at + 60_000 + Math.floor(rand() * 40 * 60_000);
    if (next >= ctx.dayEnd) break;
    at = next;
    if (row.failureCode !== 'processing_error') card = newCard(rand, currency, at);
  }
  if (invoice.status === 'open' && ctx.endAt - invoice.createdAt > 30 * DAY_MS && rand() < 0.7) {
    invoice.status = 'void';
    invoice.voidedAt = invoice.createdAt + 30 * DAY_MS;
  }
  return { invoice, attempts: rows };
}

export type Card = { brand: string; last4: string; country: string; expMonth: number; expYear: number; funding: string; pm: string };

export function newCard(rand: Random, currency: Currency, at: number): Card {
  const country = pick(rand, currency === 'usd' ? USD_COUNTRIES : CAD_COUNTRIES);
  let brand = pick(rand, BRANDS);
  if (brand === 'discover' && country !== 'US') brand = 'visa';
  return {
    brand,
    last4: String(Math.floor(rand() * 10_000)).padStart(4, '0'),
    country,
    expMonth: 1 + Math.floor(rand() * 12),
    expYear: new Date(at).getUTCFullYear() + Math.floor(rand() * 5),
    funding: pick(rand, FUNDING),
    pm: stripeId(rand, 'pm'),
  };
}

export function attemptOn(rand: Random, invoice: InvoiceRow, card: Card, userId: number, at: number, authShare: number, declinedBefore: boolean): AttemptRow {
  const settledAt = at + 600 + Math.floor(rand() * 2400);
  const key = `keyed_${token(rand, 24, BASE64URL)}`;
  let status: AttemptRow['status'] = 'succeeded';
  let decline: Decline | null = null;
  const foreign = card.country !== 'US' && card.country !== 'CA';
  if (foreign && rand() < 0.5) status = 'blocked';
  else {
    // A retry after a decline succeeds more often (a different, working card); first tries follow the mix.
    const r = rand();
    const declineShare = declinedBefore ? DECLINE_SHARE * 0.5 : DECLINE_SHARE;
    if (r < authShare) decline = AUTHENTICATION;
    else if (r < authShare + declineShare) decline = pick(rand, DECLINES);
    else if (r < authShare + declineShare + BLOCKED_SHARE) status = 'blocked';
    if (decline) status = 'failed';
  }
  // Blocked before Stripe: no intent. An authentication-required failure stops before a charge exists, as in Stripe.
  const pi = status === 'blocked' ? null : stripeId(rand, 'pi');
  const ch = status === 'blocked' || decline === AUTHENTICATION ? null : stripeId(rand, 'ch');
  // One literal with every field (no spreads): V8 keeps one fast shape for a million rows.
  return {
    invoiceId: invoice.id,
    userId,
    key,
    amount: invoice.amount,
    currency: invoice.currency,
    status,
    pm: card.pm,
    email: invoice.email,
    pi,
    ch,
    brand: card.brand,
    last4: card.last4,
    country: card.country,
    expMonth: card.expMonth,
    expYear: card.expYear,
    funding: card.funding,
    failureCode: status === 'blocked' ? 'country_not_allowed' : (decline?.code ?? null),
    declineCode: decline?.decline ?? null,
    failureMessage: status === 'blocked' ? COUNTRY_BLOCKED_MESSAGE : (decline?.message ?? null),
    amountRefunded: 0,
    createdAt: at,
    settledAt,
    refunds: [],
  };
}

/** About 4% of paid invoices are refunded later, 60% of those in full, by finance or in Stripe's Dashboard. */
export function addRefunds(rand: Random, invoice: InvoiceRow, row: AttemptRow, endAt: number, refunders: number[]) {
  if (rand() >= 0.04) return;
  const createdAt = row.settledAt + Math.floor((0.2 + rand() * 20) * DAY_MS);
  if (createdAt > endAt) return;
  const full = rand() < 0.6;
  const amount = full ? row.amount : Math.max(1, Math.floor(row.amount * (0.1 + rand() * 0.6)));
  const outside = rand() < 0.2;
  const id = stripeId(rand, 're');
  row.refunds.push({
    id,
    // Refunds made in Stripe's Dashboard reach Keyed by webhook and are keyed by their Stripe id.
    key: outside ? stripeRefundKey(id) : `refund_${token(rand, 24, BASE64URL)}`,
    amount,
    createdAt,
    reason: oneOf(rand, ['requested_by_customer', 'requested_by_customer', 'duplicate', null]),
    userId: outside ? null : oneOf(rand, refunders),
  });
  row.amountRefunded = amount;
  invoice.amountRefunded = amount;
  invoice.status = full ? 'refunded' : 'partially_refunded';
}
