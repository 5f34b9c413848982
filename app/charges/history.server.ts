import { and, asc, desc, eq, gte, inArray, lte, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';

import { AUTH_REQUIRED_DECLINE_CODE, AUTH_REQUIRED_FAILURE_CODES, AUTH_REQUIRED_SQL, isAuthenticationRequired } from '~/payments/decline-messages';
import { getDb } from '~/platform/db.server';
import { minorToDecimal, parseAmount } from '~/platform/money';
import { stripeDashboardUrl } from '~/platform/stripe.server';
import { isUtcDay } from '~/platform/utc-day';

import {
  ATTEMPT_STATUSES,
  type AttemptStatus,
  auditEvents,
  CURRENCIES,
  type Currency,
  dailyOutcomes,
  invoices,
  paymentAttempts,
  refunds,
  users,
  webhookEvents,
} from '../../db/schema';

// ——— the filter: every field lives in the URL, so a view can be bookmarked and shared ———

// The filter's menu choices live in charge-filter-choices.ts, which the page can import too.
export { AUTHENTICATION_REQUIRED_FILTER, CARD_BRANDS, DECLINE_CODE_CHOICES } from './filter-choices';
import { AUTHENTICATION_REQUIRED_FILTER } from './filter-choices';

const DAY_MS = 86_400_000;

export type ChargeFilter = {
  /** Inclusive UTC days, YYYY-MM-DD. */
  from?: string;
  to?: string;
  status?: AttemptStatus;
  code?: string;
  userId?: number;
  currency?: Currency;
  brand?: string;
  last4?: string;
  /** Minor units, inclusive. */
  minAmount?: number;
  maxAmount?: number;
  q?: string;
};

export const CHARGE_FILTER_FIELDS = ['from', 'to', 'status', 'code', 'user', 'currency', 'brand', 'last4', 'min', 'max', 'q'] as const;
export type ChargeFilterField = (typeof CHARGE_FILTER_FIELDS)[number];

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v);
const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

const utcDate = z.string().refine(isUtcDay, 'invalid_date');

/** URL names are short (`user`, `min`, `max`); values are validated, never trusted. Errors are stable codes for i18n. */
export const ChargeFilterSchema = z.object({
  from: optional(utcDate),
  to: optional(utcDate),
  status: optional(z.enum(ATTEMPT_STATUSES, { errorMap: () => ({ message: 'invalid_status' }) })),
  code: optional(
    z
      .string()
      .toLowerCase()
      .regex(/^[a-z_]{2,60}$/, 'invalid_code'),
  ),
  user: optional(
    z
      .string()
      .regex(/^[1-9]\d{0,9}$/, 'invalid_user')
      .transform(Number),
  ),
  currency: optional(
    z
      .string()
      .toLowerCase()
      .pipe(z.enum(CURRENCIES, { errorMap: () => ({ message: 'invalid_currency' }) })),
  ),
  brand: optional(
    z
      .string()
      .toLowerCase()
      .regex(/^[a-z_]{2,20}$/, 'invalid_brand'),
  ),
  last4: optional(z.string().regex(/^\d{4}$/, 'invalid_last4')),
  min: optional(z.string().max(20)),
  max: optional(z.string().max(20)),
  q: optional(z.string().max(100, 'too_long')),
});

export type ChargeFilterParse = {
  filter: ChargeFilter;
  /** Field → error code (e.g. `invalid_date`, or the money parser's code for amounts). Empty when all is well. */
  errors: Partial<Record<ChargeFilterField, string>>;
};

/**
 * Reads the filter from a URL's search params. A bad value becomes a field error and is left out of the
 * filter (the page still renders the rest), never a 500.
 */
export function parseChargeFilter(searchParams: URLSearchParams): ChargeFilterParse {
  const raw = Object.fromEntries(CHARGE_FILTER_FIELDS.map((field) => [field, searchParams.get(field) ?? undefined]));
  const errors: ChargeFilterParse['errors'] = {};
  const parsed = ChargeFilterSchema.safeParse(raw);
  let values: z.infer<typeof ChargeFilterSchema> = {};
  if (parsed.success) values = parsed.data;
  else {
    for (const issue of parsed.error.issues) errors[issue.path[0] as ChargeFilterField] ??= issue.message;
    // Keep every field that did parse on its own.
    for (const field of CHARGE_FILTER_FIELDS) {
      if (errors[field]) continue;
      const one = ChargeFilterSchema.shape[field].safeParse(raw[field]);
      if (one.success) (values as Record<string, unknown>)[field] = one.data;
    }
  }
  const filter: ChargeFilter = {
    from: values.from,
    to: values.to,
    status: values.status,
    code: values.code,
    userId: values.user,
    currency: values.currency,
    brand: values.brand,
    last4: values.last4,
    q: values.q,
  };
  for (const [field, key] of [
    ['min', 'minAmount'],
    ['max', 'maxAmount'],
  ] as const) {
    const text = values[field];
    if (text === undefined) continue;
    // A shared URL may come from either language: "1,099.50" or "1 099,50".
    const english = parseAmount(text);
    const amount = english.ok ? english : parseAmount(text, 'fr-CA');
    if (amount.ok) filter[key] = amount.minor;
    else errors[field] = String(amount.error);
  }
  if (filter.from && filter.to && filter.from > filter.to) errors.to = 'before_from';
  if (filter.minAmount !== undefined && filter.maxAmount !== undefined && filter.minAmount > filter.maxAmount) errors.max = 'below_min';
  return { filter: stripUndefined(filter), errors };
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The filter back as URL params (for links: pages, export, "clear one filter"). */
export function chargeFilterToSearchParams(filter: ChargeFilter): URLSearchParams {
  const params = new URLSearchParams();
  const set = (key: string, value: string | number | undefined) => value !== undefined && params.set(key, String(value));
  set('from', filter.from);
  set('to', filter.to);
  set('status', filter.status);
  set('code', filter.code);
  set('user', filter.userId);
  set('currency', filter.currency);
  set('brand', filter.brand);
  set('last4', filter.last4);
  if (filter.minAmount !== undefined) set('min', minorToDecimal(filter.minAmount));
  if (filter.maxAmount !== undefined) set('max', minorToDecimal(filter.maxAmount));
  set('q', filter.q);
  return params;
}

export function dayStart(day: string) {
  return Date.parse(`${day}T00:00:00Z`);
}

const a = paymentAttempts;

/**
 * "Authentication required", spelled exactly as the design defines it. Literal SQL on purpose: it matches the
 * partial index payment_attempts_auth_created_idx word for word, which SQLite needs to use that index.
 */

export function authenticationRequiredCondition(): SQL {
  return sql.raw(AUTH_REQUIRED_SQL);
}

/** The code finance filters on: Stripe's decline_code when there is one (insufficient_funds), else its error code (expired_card, country_not_allowed). */
export function effectiveCode(): SQL<string | null> {
  return sql<string | null>`coalesce(${a.declineCode}, ${a.failureCode})`;
}

function codeCondition(code: string): SQL {
  if (code === AUTHENTICATION_REQUIRED_FILTER) return authenticationRequiredCondition();
  // Same expression as payment_attempts_code_created_idx, so the page is an ordered index range.
  return sql`coalesce(${a.declineCode}, ${a.failureCode}) = ${code}`;
}

/** Invoice numbers look like INV-1234: such a query is an exact, indexed lookup instead of a substring scan. */
const INVOICE_NUMBER_QUERY = /^(?:inv-?)?(\d{1,12})$/i;

function likePattern(text: string) {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The trigram index (invoices_search, migration 0010) answers substrings of three characters or more. */
const TRIGRAM = 3;

function textCondition(q: string): SQL {
  const number = INVOICE_NUMBER_QUERY.exec(q);
  if (number) {
    return inArray(
      a.invoiceId,
      getDb()
        .select({ id: invoices.id })
        .from(invoices)
        .where(eq(invoices.number, `INV-${number[1]}`)),
    );
  }
  if ([...q].length >= TRIGRAM) {
    // One quoted phrase: the text is matched as a substring, never parsed as FTS query syntax.
    const phrase = `"${q.replace(/"/g, '""')}"`;
    return sql`${a.invoiceId} in (select rowid from invoices_search where invoices_search match ${phrase})`;
  }
  // One or two characters: too short for trigrams, so a scan (short queries match a lot and fill a page fast).
  const pattern = likePattern(q);
  return inArray(
    a.invoiceId,
    getDb()
      .select({ id: invoices.id })
      .from(invoices)
      .where(sql`(${invoices.number} like ${pattern} escape '\\' or ${invoices.customerName} like ${pattern} escape '\\')`),
  );
}

/** Every filter as one SQL condition over payment_attempts (no join needed: text search is a subquery). */
export function chargeFilterCondition(filter: ChargeFilter): SQL | undefined {
  const conditions: (SQL | undefined)[] = [
    filter.from ? gte(a.createdAt, dayStart(filter.from)) : undefined,
    filter.to ? sql`${a.createdAt} < ${dayStart(filter.to) + DAY_MS}` : undefined,
    filter.status ? eq(a.status, filter.status) : undefined,
    filter.code ? codeCondition(filter.code) : undefined,
    filter.userId ? eq(a.userId, filter.userId) : undefined,
    filter.currency ? eq(a.currency, filter.currency) : undefined,
    filter.brand ? eq(a.cardBrand, filter.brand) : undefined,
    filter.last4 ? eq(a.cardLast4, filter.last4) : undefined,
    filter.minAmount !== undefined ? gte(a.amount, filter.minAmount) : undefined,
    filter.maxAmount !== undefined ? lte(a.amount, filter.maxAmount) : undefined,
    filter.q ? textCondition(filter.q) : undefined,
  ];
  return and(...conditions.filter(Boolean));
}

// ——— the list: keyset pagination on (created_at, id), newest first ———

type CursorKey = { createdAt: number; id: number };
type Cursor = CursorKey & { direction: 'next' | 'prev' };

/** Opaque to the browser; the server validates it like any other input. */
export function encodeCursor(cursor: Cursor) {
  return Buffer.from(`${cursor.direction === 'next' ? 'n' : 'p'}.${cursor.createdAt}.${cursor.id}`).toString('base64url');
}

export function decodeCursor(value: string | null | undefined): Cursor | null {
  if (!value || value.length > 64) return null;
  const match = /^([np])\.(\d{1,15})\.(\d{1,15})$/.exec(Buffer.from(value, 'base64url').toString('latin1'));
  if (!match) return null;
  return { direction: match[1] === 'n' ? 'next' : 'prev', createdAt: Number(match[2]), id: Number(match[3]) };
}

export const CHARGES_PAGE_SIZE = 50;

const listColumns = {
  id: a.id,
  createdAt: a.createdAt,
  status: a.status,
  amount: a.amount,
  currency: a.currency,
  amountRefunded: a.amountRefunded,
  failureCode: a.failureCode,
  declineCode: a.declineCode,
  cardBrand: a.cardBrand,
  cardLast4: a.cardLast4,
  disputed: sql<number>`${a.stripeDisputeId} is not null`.mapWith(Boolean),
  invoiceId: a.invoiceId,
  invoiceNumber: invoices.number,
  customerName: invoices.customerName,
  userId: a.userId,
  staffName: users.name,
};

export type ChargeRow = {
  id: number;
  createdAt: number;
  status: AttemptStatus;
  amount: number;
  currency: Currency;
  amountRefunded: number;
  failureCode: string | null;
  declineCode: string | null;
  cardBrand: string | null;
  cardLast4: string | null;
  disputed: boolean;
  invoiceId: number;
  invoiceNumber: string;
  customerName: string;
  userId: number;
  staffName: string;
};

export type ChargePage = {
  rows: ChargeRow[];
  /** Pass back as `cursor` for older charges; null on the last page. */
  nextCursor: string | null;
  /** Pass back as `cursor` for newer charges; null on the newest page. */
  prevCursor: string | null;
};

/**
 * One page of charges, newest first. The cursor names the last (or first) row seen, so charges that arrive
 * meanwhile land before page one and never shift a later page: nothing is skipped or shown twice.
 */
export function listCharges({ filter, cursor, limit = CHARGES_PAGE_SIZE }: { filter: ChargeFilter; cursor?: string | null; limit?: number }): ChargePage {
  const size = Math.min(Math.max(1, Math.floor(limit)), 200);
  const at = decodeCursor(cursor);
  const keyset = at
    ? at.direction === 'next'
      ? sql`(${a.createdAt}, ${a.id}) < (${at.createdAt}, ${at.id})`
      : sql`(${a.createdAt}, ${a.id}) > (${at.createdAt}, ${at.id})`
    : undefined;
  const backwards = at?.direction === 'prev';
  const fetched = getDb()
    .select(listColumns)
    .from(a)
    .innerJoin(invoices, eq(invoices.id, a.invoiceId))
    .innerJoin(users, eq(users.id, a.userId))
    .where(and(chargeFilterCondition(filter), keyset))
    .orderBy(...(backwards ? [asc(a.createdAt), asc(a.id)] : [desc(a.createdAt), desc(a.id)]))
    .limit(size + 1)
    .all() as ChargeRow[];
  const more = fetched.length > size;
  const rows = fetched.slice(0, size);
  if (backwards) rows.reverse();
  const first = rows[0];
  const last = rows[rows.length - 1];
  // Going back, `more` means newer rows exist; the page we came from is always older.
  const hasNewer = backwards ? more : at !== null;
  const hasOlder = backwards ? true : more;
  return {
    rows,
    nextCursor: hasOlder && last ? encodeCursor({ direction: 'next', createdAt: last.createdAt, id: last.id }) : null,
    prevCursor: hasNewer && first ? encodeCursor({ direction: 'prev', createdAt: first.createdAt, id: first.id }) : null,
  };
}

// ——— totals ———

export type CurrencyTotals = { currency: Currency; count: number; succeededCount: number; succeededAmount: number; refundedAmount: number };

export type ChargeTotals = {
  /** `rollup`: from the daily rollup (date, currency, status and code only); `exact`: counted from the attempts. */
  source: 'rollup' | 'exact';
  count: number;
  /** True when more than TOTALS_ROW_CAP attempts match a filter the rollup cannot answer: no sums, narrow the filter. */
  capped: boolean;
  byCurrency: CurrencyTotals[];
};

/** The most attempts an exact total reads (about 100 ms at worst); beyond it finance is asked to narrow the filter. */
export const TOTALS_ROW_CAP = 100_000;

const SETTLED: readonly string[] = ['succeeded', 'failed', 'blocked'];

function rollupCanAnswer(filter: ChargeFilter) {
  const keys = Object.keys(filter) as (keyof ChargeFilter)[];
  return (
    keys.every((k) => k === 'from' || k === 'to' || k === 'currency' || k === 'status' || k === 'code') && (!filter.status || SETTLED.includes(filter.status))
  );
}

/**
 * Count and per-currency succeeded and refunded volume for a filter. Date, currency, status and code filters
 * are answered from daily_outcomes (kept in the settling transaction), plus the few unsettled attempts and the
 * small refunds table; any other filter is counted exactly, reading at most TOTALS_ROW_CAP attempts.
 * See docs/decisions/003-charge-history-at-scale.md.
 */
export function chargeTotals(filter: ChargeFilter): ChargeTotals {
  return rollupCanAnswer(filter) ? totalsFromRollup(filter) : exactTotals(filter);
}

function emptyTotals(currency: Currency): CurrencyTotals {
  return { currency, count: 0, succeededCount: 0, succeededAmount: 0, refundedAmount: 0 };
}

function collect(rows: { currency: Currency; count: number; succeededCount: number; succeededAmount: number; refundedAmount: number }[]) {
  const byCurrency = new Map<Currency, CurrencyTotals>();
  for (const row of rows) {
    const t = byCurrency.get(row.currency) ?? emptyTotals(row.currency);
    t.count += Number(row.count);
    t.succeededCount += Number(row.succeededCount);
    t.succeededAmount += Number(row.succeededAmount);
    t.refundedAmount += Number(row.refundedAmount);
    byCurrency.set(row.currency, t);
  }
  return CURRENCIES.filter((c) => byCurrency.has(c)).map((c) => byCurrency.get(c)!);
}

function totalsFromRollup(filter: ChargeFilter): ChargeTotals {
  const db = getDb();
  const o = dailyOutcomes;
  const code = filter.code;
  // The rollup stores '' for "no code".
  const codeInRollup = !code
    ? undefined
    : code === AUTHENTICATION_REQUIRED_FILTER
      ? or(inArray(o.failureCode, [...AUTH_REQUIRED_FAILURE_CODES]), eq(o.declineCode, AUTH_REQUIRED_DECLINE_CODE))
      : sql`(case when ${o.declineCode} != '' then ${o.declineCode} else ${o.failureCode} end) = ${code}`;
  const settled = db
    .select({
      currency: o.currency,
      count: sql<number>`coalesce(sum(${o.attempts}), 0)`,
      succeededCount: sql<number>`coalesce(sum(case when ${o.status} = 'succeeded' then ${o.attempts} else 0 end), 0)`,
      succeededAmount: sql<number>`coalesce(sum(case when ${o.status} = 'succeeded' then ${o.amount} else 0 end), 0)`,
      refundedAmount: sql<number>`0`,
    })
    .from(o)
    .where(
      and(
        filter.from ? gte(o.day, filter.from) : undefined,
        filter.to ? lte(o.day, filter.to) : undefined,
        filter.currency ? eq(o.currency, filter.currency) : undefined,
        filter.status ? eq(o.status, filter.status as 'succeeded' | 'failed' | 'blocked') : undefined,
        codeInRollup,
      ),
    )
    .groupBy(o.currency)
    .all();
  // Attempts still waiting for an answer are not in the rollup; there are only ever a handful.
  const unsettled = filter.status
    ? []
    : db
        .select({
          currency: a.currency,
          count: sql<number>`count(*)`,
          succeededCount: sql<number>`0`,
          succeededAmount: sql<number>`0`,
          refundedAmount: sql<number>`0`,
        })
        .from(a)
        .where(and(inArray(a.status, ['pending', 'unknown']), chargeFilterCondition(filter)))
        .groupBy(a.currency)
        .all();
  return {
    source: 'rollup',
    count: sumCount([...settled, ...unsettled]),
    capped: false,
    byCurrency: collect([...settled, ...unsettled, ...refundedByCurrency(filter)]),
  };
}

/** Refunded volume of the filtered charges, read from the (small) refunds table. */
function refundedByCurrency(filter: ChargeFilter) {
  // Only succeeded charges are refunded, and they carry no decline code: such filters have nothing refunded.
  if (filter.code || (filter.status && filter.status !== 'succeeded')) return [];
  const { currency, ...rest } = filter;
  if (Object.keys(rest).length === 0) {
    // Nothing to match on the charges: the refunds table alone answers (it carries the currency).
    return getDb()
      .select({
        currency: refunds.currency,
        count: sql<number>`0`,
        succeededCount: sql<number>`0`,
        succeededAmount: sql<number>`0`,
        refundedAmount: sql<number>`coalesce(sum(${refunds.amount}), 0)`,
      })
      .from(refunds)
      .where(and(eq(refunds.status, 'succeeded'), currency ? eq(refunds.currency, currency) : undefined))
      .groupBy(refunds.currency)
      .all();
  }
  return getDb()
    .select({
      currency: a.currency,
      count: sql<number>`0`,
      succeededCount: sql<number>`0`,
      succeededAmount: sql<number>`0`,
      refundedAmount: sql<number>`coalesce(sum(${refunds.amount}), 0)`,
    })
    .from(refunds)
    .innerJoin(a, eq(a.id, refunds.attemptId))
    .where(and(eq(refunds.status, 'succeeded'), chargeFilterCondition(filter)))
    .groupBy(a.currency)
    .all();
}

function sumCount(rows: { count: number }[]) {
  return rows.reduce((n, r) => n + Number(r.count), 0);
}

function exactTotals(filter: ChargeFilter): ChargeTotals {
  const matching = getDb()
    .select({ currency: a.currency, status: a.status, amount: a.amount, amountRefunded: a.amountRefunded })
    .from(a)
    .where(chargeFilterCondition(filter))
    .limit(TOTALS_ROW_CAP + 1)
    .as('matching');
  const rows = getDb()
    .select({
      currency: matching.currency,
      count: sql<number>`count(*)`,
      succeededCount: sql<number>`sum(case when ${matching.status} = 'succeeded' then 1 else 0 end)`,
      succeededAmount: sql<number>`sum(case when ${matching.status} = 'succeeded' then ${matching.amount} else 0 end)`,
      refundedAmount: sql<number>`sum(${matching.amountRefunded})`,
    })
    .from(matching)
    .groupBy(matching.currency)
    .all();
  const count = sumCount(rows);
  if (count > TOTALS_ROW_CAP) return { source: 'exact', count: TOTALS_ROW_CAP, capped: true, byCurrency: [] };
  return { source: 'exact', count, capped: false, byCurrency: collect(rows) };
}

// ——— one charge ———

export type TimelineEntry = {
  at: number;
  kind: 'created' | 'outcome' | 'unknown' | 'reconciliation' | 'webhook' | 'refund' | 'dispute' | 'note';
  /** A stable code for the UI to translate: an audit action (`charge.failed`), webhook type or refund status. */
  action: string;
  actorName: string | null;
  details: Record<string, unknown>;
};

const TIMELINE_ORDER: Record<TimelineEntry['kind'], number> = {
  created: 0,
  unknown: 1,
  outcome: 2,
  reconciliation: 3,
  webhook: 4,
  refund: 5,
  dispute: 6,
  note: 7,
};

/** Everything finance needs to answer "what happened to this payment?", or null. Never card numbers: Keyed has none. */
export function getChargeDetail({ id }: { id: number }) {
  const db = getDb();
  const attempt = db
    .select({
      id: a.id,
      status: a.status,
      amount: a.amount,
      currency: a.currency,
      amountRefunded: a.amountRefunded,
      createdAt: a.createdAt,
      settledAt: a.settledAt,
      needsAttentionAt: a.needsAttentionAt,
      reconcileAttempts: a.reconcileAttempts,
      receiptEmail: a.receiptEmail,
      stripePaymentIntentId: a.stripePaymentIntentId,
      stripeChargeId: a.stripeChargeId,
      failureCode: a.failureCode,
      declineCode: a.declineCode,
      failureMessage: a.failureMessage,
      cardBrand: a.cardBrand,
      cardLast4: a.cardLast4,
      cardExpMonth: a.cardExpMonth,
      cardExpYear: a.cardExpYear,
      cardCountry: a.cardCountry,
      cardFunding: a.cardFunding,
      stripeDisputeId: a.stripeDisputeId,
      disputeStatus: a.disputeStatus,
      disputeReason: a.disputeReason,
      disputeAmount: a.disputeAmount,
      disputedAt: a.disputedAt,
      userId: a.userId,
      staffName: users.name,
      staffEmail: users.email,
      invoiceId: a.invoiceId,
    })
    .from(a)
    .innerJoin(users, eq(users.id, a.userId))
    .where(eq(a.id, id))
    .get();
  if (!attempt) return null;
  const invoice = db
    .select({
      id: invoices.id,
      number: invoices.number,
      customerName: invoices.customerName,
      customerEmail: invoices.customerEmail,
      description: invoices.description,
      amount: invoices.amount,
      currency: invoices.currency,
      status: invoices.status,
      amountRefunded: invoices.amountRefunded,
    })
    .from(invoices)
    .where(eq(invoices.id, attempt.invoiceId))
    .get()!;
  const refundRows = db
    .select({
      id: refunds.id,
      amount: refunds.amount,
      currency: refunds.currency,
      reason: refunds.reason,
      status: refunds.status,
      stripeRefundId: refunds.stripeRefundId,
      createdAt: refunds.createdAt,
      userId: refunds.userId,
      userName: users.name,
    })
    .from(refunds)
    .leftJoin(users, eq(users.id, refunds.userId))
    .where(eq(refunds.attemptId, id))
    .orderBy(asc(refunds.createdAt), asc(refunds.id))
    .all();
  const remaining = attempt.amount - refundRows.filter((r) => r.status !== 'failed').reduce((n, r) => n + r.amount, 0);
  const { userId: _user, staffEmail: _email, ...charge } = attempt;
  return {
    charge: {
      ...charge,
      authenticationRequired: isAuthenticationRequired(attempt),
      /** What a refund may still take: succeeded charges only, minus refunds done or in flight. */
      refundableAmount: attempt.status === 'succeeded' && !attempt.stripeDisputeId ? Math.max(0, remaining) : 0,
    },
    keyedBy: { id: attempt.userId, name: attempt.staffName, email: attempt.staffEmail },
    invoice,
    refunds: refundRows.map(({ userId, userName, ...r }) => ({ ...r, byName: userName, viaKeyed: userId !== null })),
    links: {
      paymentIntent: attempt.stripePaymentIntentId ? stripeDashboardUrl(`payments/${attempt.stripePaymentIntentId}`) : null,
    },
    timeline: buildTimeline(attempt, refundRows),
  };
}

export type ChargeDetail = NonNullable<ReturnType<typeof getChargeDetail>>;

type TimelineAttempt = {
  id: number;
  status: AttemptStatus;
  createdAt: number;
  settledAt: number | null;
  staffName: string;
  failureCode: string | null;
  declineCode: string | null;
  stripePaymentIntentId: string | null;
  stripeChargeId: string | null;
  stripeDisputeId: string | null;
  disputedAt: number | null;
  disputeReason: string | null;
  disputeAmount: number | null;
  currency: Currency;
};

/**
 * Created, Stripe's answer, webhooks, refunds, reconciliation and disputes in time order. Audit events
 * supply who and how; generated history has none, so the attempt row itself stands in for them.
 */
function buildTimeline(
  attempt: TimelineAttempt,
  refundRows: {
    id: number;
    amount: number;
    status: string;
    stripeRefundId: string | null;
    createdAt: number;
    userName: string | null;
    reason: string | null;
  }[],
): TimelineEntry[] {
  const db = getDb();
  const audits = db
    .select({ at: auditEvents.at, action: auditEvents.action, details: auditEvents.details, actorName: users.name })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorUserId))
    .where(and(eq(auditEvents.subjectType, 'payment_attempt'), eq(auditEvents.subjectId, String(attempt.id))))
    .orderBy(asc(auditEvents.id))
    .all();
  const entries: TimelineEntry[] = [];
  const seen = new Set(audits.map((e) => e.action));
  if (!seen.has('charge.attempted'))
    entries.push({ at: attempt.createdAt, kind: 'created', action: 'charge.attempted', actorName: attempt.staffName, details: {} });
  const outcome = `charge.${attempt.status}`;
  if (attempt.settledAt && !seen.has(outcome)) {
    entries.push({
      at: attempt.settledAt,
      kind: 'outcome',
      action: outcome,
      actorName: null,
      details: stripNulls({ failureCode: attempt.failureCode, declineCode: attempt.declineCode }),
    });
  }
  for (const event of audits) {
    entries.push({ at: event.at, kind: auditKind(event.action), action: event.action, actorName: event.actorName, details: safeDetails(event.details) });
  }
  const objectIds = [attempt.stripePaymentIntentId, attempt.stripeChargeId, attempt.stripeDisputeId, ...refundRows.map((r) => r.stripeRefundId)].filter(
    (v): v is string => Boolean(v),
  );
  if (objectIds.length > 0) {
    const hooks = db
      .select({ id: webhookEvents.id, type: webhookEvents.type, receivedAt: webhookEvents.receivedAt })
      .from(webhookEvents)
      .where(inArray(webhookEvents.objectId, objectIds))
      .all();
    for (const hook of hooks) entries.push({ at: hook.receivedAt, kind: 'webhook', action: hook.type, actorName: null, details: { eventId: hook.id } });
  }
  // Refund rows are the record of money going back; their audit entries (if any) say who asked.
  for (const r of refundRows) {
    if (!audits.some((e) => e.action.startsWith('refund.') && (e.details as { refundId?: number } | null)?.refundId === r.id)) {
      entries.push({
        at: r.createdAt,
        kind: 'refund',
        action: `refund.${r.status}`,
        actorName: r.userName,
        details: stripNulls({ refundId: r.id, amount: r.amount, currency: attempt.currency, reason: r.reason }),
      });
    }
  }
  if (attempt.disputedAt && !seen.has('charge.disputed')) {
    entries.push({
      at: attempt.disputedAt,
      kind: 'dispute',
      action: 'charge.disputed',
      actorName: null,
      details: stripNulls({ reason: attempt.disputeReason, amount: attempt.disputeAmount }),
    });
  }
  return entries.sort((x, y) => x.at - y.at || TIMELINE_ORDER[x.kind] - TIMELINE_ORDER[y.kind]);
}

function auditKind(action: string): TimelineEntry['kind'] {
  if (action === 'charge.attempted') return 'created';
  if (action === 'charge.unknown') return 'unknown';
  if (action === 'charge.succeeded' || action === 'charge.failed' || action === 'charge.blocked') return 'outcome';
  if (action === 'charge.needs_attention' || action === 'charge.outcome_conflict' || action.startsWith('charge.reconcil')) return 'reconciliation';
  if (action.startsWith('refund.')) return 'refund';
  if (action === 'charge.disputed' || action === 'charge.dispute_updated') return 'dispute';
  return 'note';
}

// Audit details are ids, codes and amounts by convention; pass only plain values through to the page.
function safeDetails(details: Record<string, unknown> | null): Record<string, unknown> {
  if (!details) return {};
  return Object.fromEntries(Object.entries(details).filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v)));
}

function stripNulls(details: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(details).filter(([, v]) => v !== null && v !== undefined));
}
