import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';

import { createInvoice } from '~/invoices/invoices.server';
import { chargeInvoice, newAttemptKey } from '~/payments/charge-invoice.server';
import { getDb, getSqlite } from '~/platform/db.server';
import { getReport, parseReportRange } from '~/reports/reports.server';
import { rebuildRollup, utcDay } from '~/reports/rollup.server';
import { listStaffDeclineOutliers } from '~/reports/staff-outliers.server';
import { getUpgradeSignal } from '~/reports/upgrade-signal-data.server';

import { type Currency, invoices, paymentAttempts } from '../../db/schema';
import { useTestDatabase } from '../helpers/database';
import { useSandbox } from '../helpers/sandbox';
import { createTestUser } from '../helpers/users';

useTestDatabase({ STRIPE_SECRET_KEY: undefined, STRIPE_PUBLISHABLE_KEY: undefined, ALLOWED_CARD_COUNTRIES: undefined });
const sandbox = useSandbox();

const DAY = 86_400_000;

function snapshotRollups() {
  const db = getDb();
  const rows = (table: string) => db.all(sql.raw(`select * from ${table} order by 1, 2, 3, 4, 5`));
  return { outcomes: rows('daily_outcomes'), breakdowns: rows('daily_breakdowns'), cohorts: rows('daily_decline_cohorts') };
}

/** A seeded PRNG, so a failing case can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes settled attempts straight into the tables (one invoice each), then rebuilds the rollups. */
function writeHistory(days: number, perDay: number, authShareFor: (daysAgo: number) => number, userIds: number[], seed = 1, now = Date.now()) {
  const rand = random(seed);
  const sqlite = getSqlite();
  const insertInvoice = sqlite.prepare(
    `insert into invoices (number, customer_name, description, amount, currency, status, created_at, updated_at) values (?, 'H', 'h', ?, ?, ?, ?, ?)`,
  );
  const insertAttempt = sqlite.prepare(
    `insert into payment_attempts (invoice_id, user_id, idempotency_key, amount, currency, status, payment_method_id, card_brand, card_last4, card_country, failure_code, decline_code, created_at, settled_at)
     values (?, ?, ?, ?, ?, ?, 'pm_history', 'visa', '4242', ?, ?, ?, ?, ?)`,
  );
  sqlite.transaction(() => {
    for (let daysAgo = days - 1; daysAgo >= 0; daysAgo--) {
      for (let i = 0; i < perDay; i++) {
        const createdAt = now - daysAgo * DAY - Math.floor(rand() * (DAY - 60_000));
        const currency: Currency = rand() < 0.7 ? 'usd' : 'cad';
        const amount = 1000 + Math.floor(rand() * 20000);
        const roll = rand();
        const auth = roll < authShareFor(daysAgo);
        const failed = auth || roll > 0.92;
        const invoiceId = insertInvoice.run(`H-${seed}-${daysAgo}-${i}`, amount, currency, failed ? 'open' : 'paid', createdAt, createdAt).lastInsertRowid;
        insertAttempt.run(
          invoiceId,
          userIds[i % userIds.length],
          `h_${seed}_${daysAgo}_${i}`,
          amount,
          currency,
          failed ? 'failed' : 'succeeded',
          rand() < 0.8 ? 'US' : 'CA',
          auth ? 'authentication_required' : failed ? 'card_declined' : null,
          auth ? 'authentication_not_handled' : failed ? 'insufficient_funds' : null,
          createdAt,
          createdAt,
        );
      }
    }
  })();
  rebuildRollup();
}

describe('report rollups', () => {
  it('stay equal to a full recount after random charges through the real flow, retries and reconciliation', async () => {
    const staff = [await createTestUser('staff', 'a@keyed.test'), await createTestUser('staff', 'b@keyed.test')];
    const cards = ['4242424242424242', '4000000000009995', '4000002500003155', '4000001240000000', '4000000000000002', '5555555555554444'];
    const rand = random(7);
    for (let i = 0; i < 24; i++) {
      const user = staff[i % 2]!;
      const invoice = createInvoice(
        { customerName: `C${i}`, customerEmail: null, customerPhone: null, description: 'x', amount: 500 + i * 37, currency: i % 3 ? 'usd' : 'cad' },
        { id: user.id },
      );
      // Up to three cards per invoice: declines first, sometimes recovered by a later card.
      for (let attempt = 0; attempt < 3; attempt++) {
        const card = cards[Math.floor(rand() * cards.length)]!;
        await chargeInvoice({ invoiceId: invoice.id, paymentMethodId: await sandbox.paymentMethod(card), attemptKey: newAttemptKey() }, { id: user.id });
        if (
          getDb()
            .select({ status: invoices.status })
            .from(invoices)
            .where(sql`id = ${invoice.id}`)
            .get()?.status === 'paid'
        )
          break;
      }
    }
    const incremental = snapshotRollups();
    expect(incremental.outcomes.length).toBeGreaterThan(2);
    expect(incremental.cohorts.length).toBeGreaterThan(0);
    rebuildRollup();
    expect(snapshotRollups()).toEqual(incremental);
  });

  it('report totals match a brute-force count of the attempts', async () => {
    const ids: number[] = [];
    for (const email of ['s1@k.test', 's2@k.test', 's3@k.test']) ids.push((await createTestUser('staff', email)).id);
    writeHistory(40, 50, () => 0.01, ids, 3);
    const { range } = parseReportRange(new URLSearchParams('range=30'));
    const report = getReport(range);
    const brute = getDb().all<{ status: string; n: number; auth: number }>(
      sql.raw(`select status, count(*) n, sum(failure_code = 'authentication_required') auth from payment_attempts
               where strftime('%Y-%m-%d', created_at / 1000, 'unixepoch') between '${range.from}' and '${range.to}' group by status`),
    );
    const count = (status: string) => brute.find((b) => b.status === status)?.n ?? 0;
    expect(report.totals).toEqual({
      attempts: count('succeeded') + count('failed'),
      succeeded: count('succeeded'),
      failed: count('failed'),
      authRequired: brute.reduce((n, b) => n + (b.auth ?? 0), 0),
    });
    expect(report.daily).toHaveLength(30);
    expect(report.breakdowns.staff).toHaveLength(3);
    expect(report.breakdowns.country.reduce((n, c) => n + c.attempts, 0)).toBe(report.totals.attempts);
  });
});

describe('upgrade signal on real rollups', () => {
  it('turns on when the authentication-required share steps from 0.5% to 3%, with the money at stake', async () => {
    const staff = await createTestUser('staff');
    writeHistory(60, 300, (daysAgo) => (daysAgo < 4 ? 0.03 : 0.005), [staff.id], 11);
    const signal = getUpgradeSignal();
    expect(signal.on).toBe(true);
    expect(signal.since).not.toBeNull();
    expect(signal.window.authRequired).toBeGreaterThanOrEqual(5);
    expect((signal.atStake.usd ?? 0) + (signal.atStake.cad ?? 0)).toBeGreaterThan(0);
  });

  it('stays off on a flat 0.5% history', async () => {
    const staff = await createTestUser('staff');
    writeHistory(60, 300, () => 0.005, [staff.id], 12);
    expect(getUpgradeSignal().on).toBe(false);
  });

  it('follows the manager’s threshold setting', async () => {
    const staff = await createTestUser('staff');
    // 1.5% throughout: no rise, and under the default 2% threshold…
    // Days aligned to UTC days (the signal's windows), so the outcome does not depend on the time of day the test runs.
    writeHistory(60, 300, () => 0.015, [staff.id], 13, Date.parse(`${utcDay(Date.now())}T23:59:00Z`));
    expect(getUpgradeSignal().on).toBe(false);
    // …but over a 1% threshold.
    getDb().run(sql`insert into settings (key, value, updated_at) values ('upgrade_threshold_share', '0.01', 0)`);
    expect(getUpgradeSignal()).toMatchObject({ on: true, reason: 'above_threshold' });
  });
});

describe('staff decline outliers', () => {
  it('flags a person whose declines in the last 24 hours far exceed the team’s, and nobody on an even team', async () => {
    const ids: number[] = [];
    for (const email of ['p1@k.test', 'p2@k.test', 'p3@k.test', 'p4@k.test']) ids.push((await createTestUser('staff', email)).id);
    writeHistory(1, 200, () => 0, ids, 21);
    expect(listStaffDeclineOutliers()).toEqual([]);
    // One person keys 30 cards, 25 of them declined.
    const now = Date.now();
    getDb().transaction((tx) => {
      for (let i = 0; i < 30; i++) {
        const invoice = tx
          .insert(invoices)
          .values({ number: `T-${i}`, customerName: 'T', description: 't', amount: 500, currency: 'usd', createdAt: now, updatedAt: now })
          .returning({ id: invoices.id })
          .get();
        tx.insert(paymentAttempts)
          .values({
            invoiceId: invoice.id,
            userId: ids[3]!,
            idempotencyKey: `t_${i}`,
            amount: 500,
            currency: 'usd',
            status: i < 25 ? 'failed' : 'succeeded',
            paymentMethodId: 'pm_t',
            failureCode: i < 25 ? 'card_declined' : null,
            createdAt: now - i * 1000,
          })
          .run();
      }
    });
    const outliers = listStaffDeclineOutliers();
    expect(outliers.map((o) => o.userId)).toEqual([ids[3]]);
    expect(outliers[0]!.declineRate).toBeGreaterThan(0.3);
    expect(outliers[0]!.teamRate).toBeLessThan(0.15);
  });
});

describe('report range', () => {
  const today = '2026-11-26';
  it('accepts presets and custom ranges, and names the bad field otherwise', () => {
    expect(parseReportRange(new URLSearchParams('range=7'), today)).toEqual({ range: { from: '2026-11-20', to: today, preset: 7 }, errors: {} });
    expect(parseReportRange(new URLSearchParams('range=custom&from=2026-01-01&to=2026-01-31'), today).range).toEqual({
      from: '2026-01-01',
      to: '2026-01-31',
      preset: 'custom',
    });
    expect(parseReportRange(new URLSearchParams('range=custom&from=2026-02-30&to=2026-03-01'), today).errors).toEqual({ from: 'reports.errors.date' });
    expect(parseReportRange(new URLSearchParams('range=custom&from=2026-03-01&to=2026-02-01'), today).errors).toEqual({ from: 'reports.errors.order' });
    expect(parseReportRange(new URLSearchParams('range=custom&from=2026-11-01&to=2026-12-01'), today).errors).toEqual({ to: 'reports.errors.future' });
    expect(parseReportRange(new URLSearchParams('range=custom&from=2024-01-01&to=2026-01-01'), today).errors).toEqual({ from: 'reports.errors.tooLong' });
    expect(parseReportRange(new URLSearchParams('range=12'), today).errors).toEqual({ range: 'reports.errors.range' });
    expect(utcDay(Date.UTC(2026, 10, 26, 23, 59))).toBe(today);
  });
});
