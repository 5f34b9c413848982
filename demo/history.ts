/**
 * Synthetic charge history: staff, invoices, payment attempts with a realistic decline mix, recoveries,
 * refunds and disputes-free settled rows, written straight into SQLite for reports, demos and benchmarks.
 * Deterministic for a given seed and end time. No card numbers anywhere: only brand, last 4 and expiry,
 * as the app itself stores.
 */
import { randomBytes } from 'node:crypto';

import type Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';

import { hashPassword } from '../app/platform/password.server';
import { stripeRefundKey } from '../app/refunds/refunds.server';
import { rebuildRollup } from '../app/reports/rollup.server';
import type { Currency } from '../db/schema';
import * as schema from '../db/schema';
import type { HistoricalPayment, HistoricalRefund } from '../sandbox/history-import';

const DAY_MS = 86_400_000;

export type HistoryScenario = 'flat' | 'rising-auth';

export type HistoryOptions = {
  attempts: number;
  days: number;
  scenario?: HistoryScenario;
  seed?: number;
  /** The newest moment of history (epoch ms). Default: now. Pass it for byte-identical output. */
  endAt?: number;
  /**
   * The authentication-required share of attempts on a day, by whole days before endAt (0 = the last day).
   * Overrides the scenario, so detector tests can draw a step or any other shape.
   */
  authShare?: (daysAgo: number) => number;
  /** Staff who key the charges. Default: six history staff, created if missing. */
  staffUserIds?: number[];
  /** Who refunds in Keyed. Default: a history finance user, created if missing. */
  refundUserIds?: number[];
};

export type HistoryResult = { attempts: number; invoices: number; refunds: number; users: number; insertMs: number; totalMs: number };

export const BASELINE_AUTH_SHARE = 0.005;
export const RISING_AUTH_PEAK_SHARE = 0.03;
/** The rising-auth ramp: from the baseline this many days before the end up to the peak on the last day. */
export const RISING_AUTH_RAMP_DAYS = 18;

/** The authentication-required share for a day in a scenario. */
export function scenarioAuthShare(scenario: HistoryScenario, daysAgo: number) {
  if (scenario === 'flat' || daysAgo >= RISING_AUTH_RAMP_DAYS) return BASELINE_AUTH_SHARE;
  const progress = (RISING_AUTH_RAMP_DAYS - daysAgo) / RISING_AUTH_RAMP_DAYS;
  return BASELINE_AUTH_SHARE + (RISING_AUTH_PEAK_SHARE - BASELINE_AUTH_SHARE) * progress;
}

// ——— deterministic randomness ———

/** sfc32: small, fast and good enough for synthetic data; seeded so every run with one seed is identical. */
export function createRandom(seed: number) {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 ^ (seed * 31);
  let c = 0xb7e15162;
  let d = 1;
  const next = () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

type Random = ReturnType<typeof createRandom>;

const BASE62 = Buffer.from('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 'latin1');
const BASE64URL = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', 'latin1');
const scratch = Buffer.alloc(64);

/** Random characters from the alphabet. Filled into a scratch buffer: millions of `+=` ropes keep the GC busy. */
function token(rand: Random, length: number, alphabet = BASE62) {
  for (let i = 0; i < length; i++) scratch[i] = alphabet[Math.floor(rand() * alphabet.length)]!;
  return scratch.toString('latin1', 0, length);
}

/** Well-formed, clearly synthetic Stripe ids (same shape as the sandbox's: prefix, "3S", 22 base62). */
function stripeId(rand: Random, prefix: string) {
  return `${prefix}_3S${token(rand, 22)}`;
}

function pick<T>(rand: Random, weighted: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, w] of weighted) total += w;
  let r = rand() * total;
  for (const [value, w] of weighted) {
    r -= w;
    if (r < 0) return value;
  }
  return weighted[weighted.length - 1]![0];
}

function oneOf<T>(rand: Random, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

/** Log-normal amounts around $150 (a few cents to a few thousand dollars), in minor units. */
function invoiceAmount(rand: Random) {
  const normal = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const dollars = Math.exp(Math.log(150) + 1.0 * normal);
  return Math.min(2_500_000, Math.max(50, Math.round(dollars * 100)));
}

// ——— what the history is made of ———

type Decline = { code: string; decline: string | null; message: string };

/** Stripe's codes and messages, as the sandbox answers them. Weights are shares of all attempts. */
const DECLINES: readonly (readonly [Decline, number])[] = [
  [{ code: 'card_declined', decline: 'insufficient_funds', message: 'Your card has insufficient funds.' }, 0.025],
  [{ code: 'card_declined', decline: 'generic_decline', message: 'Your card was declined.' }, 0.02],
  [{ code: 'expired_card', decline: 'expired_card', message: 'Your card has expired.' }, 0.008],
  [{ code: 'incorrect_cvc', decline: 'incorrect_cvc', message: "Your card's security code is incorrect." }, 0.008],
  [{ code: 'card_declined', decline: 'lost_card', message: 'Your card was declined.' }, 0.0015],
  [{ code: 'card_declined', decline: 'stolen_card', message: 'Your card was declined.' }, 0.001],
  [{ code: 'processing_error', decline: 'processing_error', message: 'An error occurred while processing your card. Try again in a little bit.' }, 0.004],
];
const DECLINE_SHARE = DECLINES.reduce((sum, [, w]) => sum + w, 0);
const BLOCKED_SHARE = 0.001;

const AUTHENTICATION: Decline = {
  code: 'authentication_required',
  decline: 'authentication_not_handled',
  message:
    "This payment required an authentication action to complete, but `error_on_requires_action` was set. When you're ready, you can upgrade your integration to handle actions at https://stripe.com/docs/payments/payment-intents/upgrade-to-handle-actions.",
};
const COUNTRY_BLOCKED_MESSAGE = 'This business accepts cards from US, CA only. Ask for another card.';

const BRANDS = [
  ['visa', 55],
  ['mastercard', 30],
  ['amex', 10],
  ['discover', 4],
  ['jcb', 1],
] as const;
const FUNDING = [
  ['credit', 70],
  ['debit', 27],
  ['prepaid', 3],
] as const;
const USD_COUNTRIES = [
  ['US', 93],
  ['CA', 5],
  ['GB', 1],
  ['MX', 1],
] as const;
const CAD_COUNTRIES = [
  ['CA', 85],
  ['US', 13],
  ['GB', 1],
  ['FR', 1],
] as const;

const FIRST = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Lucas',
  'Chloé',
  'Mateo',
  'Priya',
  'Wei',
  'Fatima',
  'Jonah',
  'Maya',
  'Étienne',
  'Grace',
  'Omar',
  'Hannah',
  'Diego',
  'Aiko',
  'Samuel',
  'Nora',
  'Kofi',
  'Léa',
  'Ethan',
];
const LAST = [
  'Smith',
  'Tremblay',
  'Nguyen',
  'Garcia',
  'Roy',
  'Patel',
  'Johnson',
  'Gagnon',
  'Chen',
  'Brown',
  'Côté',
  'Okafor',
  'Martin',
  'Kim',
  'Lavoie',
  'Williams',
  'Singh',
  'Fortin',
  'Lopez',
  'Morin',
  'Davis',
  'Bouchard',
  'Ali',
  'Wilson',
];
const BUSINESSES = [
  'Harbour Supply',
  'Prairie Dental',
  'Maple Outfitters',
  'Blue Heron Books',
  'Summit Rentals',
  'Lakeside Catering',
  'Cedar Landscaping',
  'Northwind Clinic',
  'Riverbend Vet',
  'Atlantic Marine',
  'Sunrise Studio',
  'Granite Works',
];
const DESCRIPTIONS = [
  'Phone order',
  'Balance due',
  'Deposit',
  'Repair service',
  'Replacement parts',
  'Catering order',
  'Annual plan',
  'Custom order',
  'Delivery and setup',
  'Class registration',
];

const HISTORY_STAFF = [
  ['Avery Patel', 'avery.patel'],
  ['Jordan Tremblay', 'jordan.tremblay'],
  ['Riley Chen', 'riley.chen'],
  ['Casey Okafor', 'casey.okafor'],
  ['Morgan Gagnon', 'morgan.gagnon'],
  ['Quinn Garcia', 'quinn.garcia'],
] as const;

/** Creates the history staff and finance user if missing (one real scrypt hash of a random, unknown password). */
async function ensureHistoryUsers(sqlite: Database.Database) {
  const find = sqlite.prepare<[string], { id: number }>('select id from users where email = ?');
  const wanted = [
    ...HISTORY_STAFF.map(([name, local]) => ({ name, email: `${local}@history.keyed.test`, role: 'staff' })),
    { name: 'Harper Finance', email: 'harper.finance@history.keyed.test', role: 'finance' },
  ];
  const missing = wanted.filter((u) => !find.get(u.email));
  if (missing.length > 0) {
    // Nobody signs in as these people: the password is random and immediately forgotten.
    const passwordHash = await hashPassword(randomBytes(24).toString('base64url'));
    const insert = sqlite.prepare('insert into users (email, name, role, password_hash, created_at, updated_at) values (?, ?, ?, ?, ?, ?)');
    const now = Date.now();
    for (const u of missing) insert.run(u.email, u.name, u.role, passwordHash, now, now);
  }
  const ids = wanted.map((u) => find.get(u.email)!.id);
  return { staff: ids.slice(0, HISTORY_STAFF.length), finance: ids.slice(HISTORY_STAFF.length) };
}

// ——— bulk insertion ———

/**
 * Maintaining a dozen secondary indexes row by row (several on random keys: idempotency keys, Stripe ids,
 * last 4) costs more than building each once afterwards from a sort, which SQLite can spread over
 * worker threads. The definitions come from sqlite_master, so this never drifts from the migrations.
 */
function withoutSecondaryIndexes(sqlite: Database.Database, tables: string[], run: () => void) {
  const placeholders = tables.map(() => '?').join(', ');
  const indexes = sqlite
    .prepare<string[], { name: string; sql: string }>(
      `select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (${placeholders})`,
    )
    .all(...tables);
  // The invoice search index is kept by triggers; like the indexes, it is rebuilt once at the end.
  const triggers = sqlite
    .prepare<[], { name: string; sql: string }>(
      "select name, sql from sqlite_master where type = 'trigger' and tbl_name = 'invoices' and name like 'invoices_search_%'",
    )
    .all();
  for (const index of indexes) sqlite.exec(`drop index "${index.name}"`);
  for (const trigger of triggers) sqlite.exec(`drop trigger "${trigger.name}"`);
  run();
  const threads = sqlite.pragma('threads', { simple: true });
  sqlite.pragma('threads = 4');
  for (const index of indexes) sqlite.exec(index.sql);
  sqlite.pragma(`threads = ${Number(threads)}`);
  for (const trigger of triggers) sqlite.exec(trigger.sql);
  if (triggers.length > 0) sqlite.exec("insert into invoices_search (invoices_search) values ('rebuild')");
}

/**
 * Multi-row INSERTs with positional parameters: one statement per ROWS_PER_STATEMENT rows costs far less
 * than one per row. Rows are buffered and written in order; call flush() at the end.
 */
const ROWS_PER_STATEMENT = 50;

function batchedInsert(sqlite: Database.Database, table: string, columns: string[]) {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const statement = (rows: number) =>
    sqlite.prepare(`insert into ${table} (${columns.join(', ')}) values ${Array.from({ length: rows }, () => tuple).join(', ')}`);
  const full = statement(ROWS_PER_STATEMENT);
  let buffer: unknown[] = [];
  let buffered = 0;
  return {
    add(...values: unknown[]) {
      for (const v of values) buffer.push(v);
      if (++buffered === ROWS_PER_STATEMENT) {
        full.run(buffer);
        buffer = [];
        buffered = 0;
      }
    },
    flush() {
      if (buffered > 0) statement(buffered).run(buffer);
      buffer = [];
      buffered = 0;
    },
  };
}

type AttemptRow = {
  invoiceId: number;
  userId: number;
  key: string;
  amount: number;
  currency: Currency;
  status: 'succeeded' | 'failed' | 'blocked';
  pm: string;
  email: string | null;
  pi: string | null;
  ch: string | null;
  brand: string;
  last4: string;
  country: string;
  expMonth: number;
  expYear: number;
  funding: string;
  failureCode: string | null;
  declineCode: string | null;
  failureMessage: string | null;
  amountRefunded: number;
  createdAt: number;
  settledAt: number;
  refunds: { id: string; key: string; amount: number; createdAt: number; reason: string | null; userId: number | null }[];
};

type InvoiceRow = {
  id: number;
  number: string;
  customerName: string;
  email: string | null;
  phone: string | null;
  description: string;
  amount: number;
  currency: Currency;
  status: string;
  amountRefunded: number;
  createdBy: number;
  createdAt: number;
  paidAt: number | null;
  voidedAt: number | null;
};

/** Writes the history in one transaction with prepared statements, then rebuilds the daily rollup. */
export async function generateHistory(sqlite: Database.Database, opts: HistoryOptions): Promise<HistoryResult> {
  const started = performance.now();
  const rand = createRandom(opts.seed ?? 1);
  const endAt = opts.endAt ?? Date.now();
  const scenario = opts.scenario ?? 'flat';
  const authShare = opts.authShare ?? ((daysAgo: number) => scenarioAuthShare(scenario, daysAgo));
  const defaults = opts.staffUserIds && opts.refundUserIds ? null : await ensureHistoryUsers(sqlite);
  const staff = opts.staffUserIds ?? defaults!.staff;
  const refunders = opts.refundUserIds ?? defaults!.finance;
  const staffWeights = staff.map((id, i) => [id, 1 + ((i * 7) % 5)] as const);

  const invoiceWriter = batchedInsert(sqlite, 'invoices', [
    'id',
    'number',
    'customer_name',
    'customer_email',
    'customer_phone',
    'description',
    'amount',
    'currency',
    'status',
    'amount_refunded',
    'created_by_user_id',
    'created_at',
    'updated_at',
    'paid_at',
    'voided_at',
  ]);
  const attemptWriter = batchedInsert(sqlite, 'payment_attempts', [
    'id',
    'invoice_id',
    'user_id',
    'idempotency_key',
    'amount',
    'currency',
    'status',
    'payment_method_id',
    'receipt_email',
    'stripe_payment_intent_id',
    'stripe_charge_id',
    'card_brand',
    'card_last4',
    'card_country',
    'card_exp_month',
    'card_exp_year',
    'card_funding',
    'failure_code',
    'decline_code',
    'failure_message',
    'amount_refunded',
    'created_at',
    'settled_at',
  ]);
  const refundWriter = batchedInsert(sqlite, 'refunds', [
    'id',
    'attempt_id',
    'user_id',
    'idempotency_key',
    'amount',
    'currency',
    'reason',
    'status',
    'stripe_refund_id',
    'created_at',
  ]);
  const nextId = (table: string) => ((sqlite.prepare(`select max(id) as n from ${table}`).get() as { n: number | null }).n ?? 0) + 1;
  let nextAttemptId = nextId('payment_attempts');
  let nextRefundId = nextId('refunds');

  // Days weighted like a shop's week (quieter weekends); the exact attempt total is kept by cumulative rounding.
  const startDay = Math.floor(endAt / DAY_MS) - (opts.days - 1);
  const weights = Array.from({ length: opts.days }, (_, i) => ([0, 6].includes(new Date((startDay + i) * DAY_MS).getUTCDay()) ? 0.5 : 1));
  const weightSum = weights.reduce((a, b) => a + b, 0);

  let nextInvoiceId = nextId('invoices');
  let attempts = 0;
  let invoiceCount = 0;
  let refundCount = 0;
  const insertStarted = performance.now();

  const write = () => {
    let cumulative = 0;
    for (let day = 0; day < opts.days; day++) {
      cumulative += weights[day]!;
      const quota = Math.round((cumulative / weightSum) * opts.attempts) - attempts;
      const dayStart = (startDay + day) * DAY_MS;
      const dayEnd = Math.min(dayStart + DAY_MS, endAt + 1);
      const daysAgo = opts.days - 1 - day;
      const dayRows: { invoice: InvoiceRow; attempts: AttemptRow[] }[] = [];
      let planned = 0;
      while (planned < quota) {
        const chain = planInvoice(rand, {
          id: nextInvoiceId++,
          dayStart,
          dayEnd,
          endAt,
          authShare: authShare(daysAgo),
          staffWeights,
          refunders,
          maxAttempts: quota - planned,
        });
        planned += chain.attempts.length;
        dayRows.push(chain);
      }
      // Ids follow time, as they do in production, so keyset order (created_at, id) looks real.
      const flat = dayRows.flatMap((r) => r.attempts);
      flat.sort((x, y) => x.createdAt - y.createdAt);
      for (const { invoice: i } of dayRows) {
        invoiceWriter.add(
          i.id,
          i.number,
          i.customerName,
          i.email,
          i.phone,
          i.description,
          i.amount,
          i.currency,
          i.status,
          i.amountRefunded,
          i.createdBy,
          i.createdAt,
          i.createdAt,
          i.paidAt,
          i.voidedAt,
        );
      }
      for (const row of flat) {
        const attemptId = nextAttemptId++;
        attemptWriter.add(
          attemptId,
          row.invoiceId,
          row.userId,
          row.key,
          row.amount,
          row.currency,
          row.status,
          row.pm,
          row.email,
          row.pi,
          row.ch,
          row.brand,
          row.last4,
          row.country,
          row.expMonth,
          row.expYear,
          row.funding,
          row.failureCode,
          row.declineCode,
          row.failureMessage,
          row.amountRefunded,
          row.createdAt,
          row.settledAt,
        );
        for (const r of row.refunds) {
          refundWriter.add(nextRefundId++, attemptId, r.userId, r.key, r.amount, row.currency, r.reason, 'succeeded', r.id, r.createdAt);
          refundCount++;
        }
      }
      attempts += flat.length;
      invoiceCount += dayRows.length;
    }
    invoiceWriter.flush();
    attemptWriter.flush();
    refundWriter.flush();
  };

  // The generated rows are consistent by construction; per-row foreign key probes would only slow the load.
  const foreignKeys = sqlite.pragma('foreign_keys', { simple: true });
  sqlite.pragma('foreign_keys = OFF');
  // One big transaction: a large page cache keeps it from spilling half-built pages to the WAL over and over.
  const cacheSize = sqlite.pragma('cache_size', { simple: true });
  if (opts.attempts >= 50_000) sqlite.pragma('cache_size = -524288');
  // Synthetic data can always be generated again: a bulk load does not wait for the disk to confirm it.
  const synchronous = sqlite.pragma('synchronous', { simple: true });
  const journalMode = String(sqlite.pragma('journal_mode', { simple: true }));
  if (opts.attempts >= 50_000) {
    sqlite.pragma('synchronous = OFF');
    // Written once into the database file instead of into the WAL and then copied again by a checkpoint.
    sqlite.pragma('journal_mode = MEMORY');
  }
  sqlite.transaction(() => {
    // Rebuilding indexes pays off only for big loads; small runs (tests, the demo) insert normally.
    if (opts.attempts >= 50_000) withoutSecondaryIndexes(sqlite, ['payment_attempts', 'invoices', 'refunds'], write);
    else write();
  })();
  sqlite.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  sqlite.pragma(`cache_size = ${Number(cacheSize)}`);
  sqlite.pragma(`synchronous = ${Number(synchronous)}`);
  if (opts.attempts >= 50_000) sqlite.pragma(`journal_mode = ${journalMode}`);
  const insertMs = performance.now() - insertStarted;
  // Fresh statistics first (SQLite's advice after bulk changes): without them the planner answers the rollup's
  // "failed before on this invoice?" probe from the status index and the rebuild crawls.
  sqlite.exec('analyze');
  rebuildRollup(drizzle(sqlite, { schema }));
  return { attempts, invoices: invoiceCount, refunds: refundCount, users: staff.length, insertMs, totalMs: performance.now() - started };
}

/** One invoice and the attempts made on it: a first try, and after a decline perhaps more (recovered or not). */
function planInvoice(
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

type Card = { brand: string; last4: string; country: string; expMonth: number; expYear: number; funding: string; pm: string };

function newCard(rand: Random, currency: Currency, at: number): Card {
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

function attemptOn(rand: Random, invoice: InvoiceRow, card: Card, userId: number, at: number, authShare: number, declinedBefore: boolean): AttemptRow {
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
function addRefunds(rand: Random, invoice: InvoiceRow, row: AttemptRow, endAt: number, refunders: number[]) {
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

// ——— demo history that the sandbox knows about too ———

export const DEMO_HISTORY_MARKER = 'demo_history_seeded_at';

export type DemoHistoryOptions = {
  /** The running sandbox, e.g. http://127.0.0.1:12111 (its control API imports the charges). */
  sandboxUrl: string;
  days?: number;
  attempts?: number;
  scenario?: HistoryScenario;
  /** Overrides the scenario's authentication-required share by days ago (see HistoryOptions.authShare). */
  authShare?: (daysAgo: number) => number;
  seed?: number;
  staffUserIds?: number[];
  refundUserIds?: number[];
};

export type DemoHistoryResult = { generated: HistoryResult | null; imported: number; skipped: number };

/** Control API bodies are capped at 1 MB; ~400 payments stay well below. */
const SANDBOX_IMPORT_BATCH = 400;

/**
 * About 90 days of history for sandbox mode: generated once per database (a settings marker), then every
 * succeeded charge of that period and its refunds made known to the sandbox under the same ids, so refunding
 * a historical charge through the real Stripe SDK works. The sync runs on every call and is idempotent (the
 * sandbox skips ids it has), so a sandbox file deleted or an import cut short is repaired on the next start.
 */
export async function seedDemoHistory(sqlite: Database.Database, opts: DemoHistoryOptions): Promise<DemoHistoryResult> {
  const days = opts.days ?? 90;
  let generated: HistoryResult | null = null;
  if (!sqlite.prepare('select 1 from settings where key = ?').get(DEMO_HISTORY_MARKER)) {
    generated = await generateHistory(sqlite, {
      attempts: opts.attempts ?? 3000,
      days,
      scenario: opts.scenario ?? 'rising-auth',
      authShare: opts.authShare,
      seed: opts.seed ?? 1,
      // History ends an hour ago: everything in it is settled and older than anything keyed from now on.
      endAt: Date.now() - 3_600_000,
      staffUserIds: opts.staffUserIds,
      refundUserIds: opts.refundUserIds,
    });
    const now = Date.now();
    sqlite.prepare('insert into settings (key, value, updated_at) values (?, ?, ?)').run(DEMO_HISTORY_MARKER, new Date(now).toISOString(), now);
  }
  const synced = await syncSandboxWithHistory(sqlite, { sandboxUrl: opts.sandboxUrl, since: Date.now() - (days + 1) * DAY_MS });
  return { generated, ...synced };
}

/** Sends the succeeded charges created since `since` (and their refunds) to the sandbox's history import. */
export async function syncSandboxWithHistory(sqlite: Database.Database, opts: { sandboxUrl: string; since: number }) {
  const charges = sqlite
    .prepare(
      `select a.id, a.invoice_id as invoiceId, a.user_id as userId, a.amount, a.currency, a.created_at as createdAt, a.receipt_email as receiptEmail,
              a.stripe_payment_intent_id as pi, a.stripe_charge_id as ch, a.payment_method_id as pm, i.number as invoiceNumber,
              a.card_brand as brand, a.card_last4 as last4, a.card_country as country, a.card_exp_month as expMonth, a.card_exp_year as expYear, a.card_funding as funding
       from payment_attempts a join invoices i on i.id = a.invoice_id
       where a.status = 'succeeded' and a.created_at >= ? and a.stripe_payment_intent_id is not null and a.stripe_charge_id is not null
       order by a.created_at, a.id`,
    )
    .all(opts.since) as SucceededRow[];
  const refundsFor = sqlite.prepare<[number], { id: string; amount: number; createdAt: number; reason: string | null }>(
    "select stripe_refund_id as id, amount, created_at as createdAt, reason from refunds where attempt_id = ? and status = 'succeeded' and stripe_refund_id is not null",
  );
  let imported = 0;
  let skipped = 0;
  for (let i = 0; i < charges.length; i += SANDBOX_IMPORT_BATCH) {
    const payments = charges.slice(i, i + SANDBOX_IMPORT_BATCH).map((c) => toSandboxPayment(c, refundsFor.all(c.id)));
    const response = await fetch(`${opts.sandboxUrl}/__sandbox/history`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ payments }),
    });
    if (!response.ok) throw new Error(`The sandbox refused the demo history: ${response.status} ${await response.text()}`);
    const answer = (await response.json()) as { imported: number; skipped: number };
    imported += answer.imported;
    skipped += answer.skipped;
  }
  return { imported, skipped };
}

type SucceededRow = {
  id: number;
  invoiceId: number;
  userId: number;
  amount: number;
  currency: string;
  createdAt: number;
  receiptEmail: string | null;
  pi: string;
  ch: string;
  pm: string;
  invoiceNumber: string;
  brand: string | null;
  last4: string | null;
  country: string | null;
  expMonth: number | null;
  expYear: number | null;
  funding: string | null;
};

/** The same payment as the sandbox stores it: the metadata Keyed's own charges carry, times in seconds. */
function toSandboxPayment(c: SucceededRow, refundRows: { id: string; amount: number; createdAt: number; reason: string | null }[]): HistoricalPayment {
  return {
    paymentIntentId: c.pi,
    chargeId: c.ch,
    paymentMethodId: c.pm,
    amount: c.amount,
    currency: c.currency,
    created: Math.floor(c.createdAt / 1000),
    description: `Invoice ${c.invoiceNumber}`,
    receiptEmail: c.receiptEmail,
    metadata: { invoice_id: String(c.invoiceId), attempt_id: String(c.id), user_id: String(c.userId) },
    card: {
      brand: c.brand ?? 'visa',
      last4: c.last4 ?? '0000',
      country: c.country ?? 'US',
      expMonth: c.expMonth ?? 12,
      expYear: c.expYear ?? 2030,
      funding: c.funding ?? 'credit',
    },
    refunds: refundRows.map((r) => ({ id: r.id, amount: r.amount, created: Math.floor(r.createdAt / 1000), reason: r.reason as HistoricalRefund['reason'] })),
  };
}
