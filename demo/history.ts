/**
 * Synthetic charge history: staff, invoices, payment attempts with a realistic decline mix, recoveries,
 * refunds and disputes-free settled rows, written straight into SQLite for reports, demos and benchmarks.
 * Deterministic for a given seed, end time and starting database. No card numbers anywhere: only brand, last 4 and expiry,
 * as the app itself stores.
 */
import { randomBytes } from 'node:crypto';

import type Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';

import { hashPassword } from '../app/platform/password.server';
import { DAY_MS } from '../app/platform/utc-day';
import { rebuildRollup } from '../app/reports/rollup.server';
import * as schema from '../db/schema';
import { type HistoryScenario, scenarioAuthShare } from './auth-share';
import { type AttemptRow, batchedInsert, type InvoiceRow, withoutSecondaryIndexes } from './bulk-insert';
import { HISTORY_STAFF } from './history-catalogue';
import { planInvoice } from './history-plan';
import { createRandom } from './random';

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

/** Writes the history in one transaction with prepared statements, then rebuilds the daily rollup. */
export async function generateHistory(sqlite: Database.Database, opts: HistoryOptions): Promise<HistoryResult> {
  const started = performance.now();
  const seed = opts.seed ?? 1;
  const attemptsBefore = (sqlite.prepare('select max(id) as n from payment_attempts').get() as { n: number | null }).n ?? 0;
  // Into a database that already holds attempts (a second run, demo data) the same seed draws another stream, so
  // idempotency keys and Stripe ids never repeat an earlier run's. An empty database gets the seed as it is.
  const rand = createRandom(attemptsBefore === 0 ? seed : (seed ^ Math.imul(attemptsBefore + 1, 0x9e3779b1)) | 0);
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
