import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ATTEMPT_KEY_PATTERN } from '~/payments/charge-invoice.server';
import { getSqlite, openSqlite } from '~/platform/db.server';
import { verifyPassword } from '~/platform/password.server';
import { evaluateUpgradeSignal } from '~/reports/upgrade-signal.server';

import { migrateDatabase } from '../../db/migrate';
import { BASELINE_AUTH_SHARE, demoAuthShare, scenarioAuthShare } from '../../demo/auth-share';
import { generateHistory } from '../../demo/history';
import { useTestDatabase } from '../helpers/database';

useTestDatabase();

const END = Date.UTC(2026, 10, 20, 18, 0, 0);
const DAY = 86_400_000;

function dump(sqlite = getSqlite()) {
  return {
    invoices: sqlite.prepare('select * from invoices order by id').all(),
    attempts: sqlite.prepare('select * from payment_attempts order by id').all(),
    refunds: sqlite.prepare('select * from refunds order by id').all(),
  };
}

type Attempt = {
  id: number;
  invoice_id: number;
  status: string;
  amount: number;
  currency: string;
  amount_refunded: number;
  created_at: number;
  settled_at: number;
  failure_code: string | null;
  decline_code: string | null;
  stripe_payment_intent_id: string | null;
  stripe_charge_id: string | null;
  idempotency_key: string;
  card_last4: string;
  card_brand: string;
  card_country: string;
  payment_method_id: string;
};

describe('the history generator', () => {
  it('is deterministic for a seed and end time, and a different seed gives different history', async () => {
    const run = async (seed: number) => {
      const dir = mkdtempSync(join(tmpdir(), 'keyed-history-'));
      const sqlite = openSqlite(join(dir, 'h.db'));
      try {
        migrateDatabase(sqlite);
        await generateHistory(sqlite, { attempts: 400, days: 20, seed, endAt: END });
        return dump(sqlite);
      } finally {
        sqlite.close();
        rmSync(dir, { recursive: true, force: true });
      }
    };
    const first = await run(5);
    expect(first.attempts).toHaveLength(400);
    expect(await run(5)).toEqual(first);
    expect((await run(6)).attempts).not.toEqual(first.attempts);
  });

  it('writes consistent, realistic, well-formed history', async () => {
    const result = await generateHistory(getSqlite(), { attempts: 6000, days: 60, seed: 11, endAt: END });
    expect(result.attempts).toBe(6000);
    const sqlite = getSqlite();
    const attempts = sqlite.prepare('select * from payment_attempts order by id').all() as Attempt[];
    const invoices = sqlite.prepare('select * from invoices').all() as {
      id: number;
      number: string;
      status: string;
      amount: number;
      amount_refunded: number;
      currency: string;
    }[];
    const refunds = sqlite.prepare('select * from refunds').all() as {
      attempt_id: number;
      amount: number;
      status: string;
      stripe_refund_id: string;
      user_id: number | null;
    }[];
    expect(invoices).toHaveLength(result.invoices);
    expect(refunds).toHaveLength(result.refunds);

    // Staff exist with a real scrypt hash of a password nobody knows.
    const staff = sqlite.prepare("select * from users where email like '%@history.keyed.test'").all() as { role: string; password_hash: string }[];
    expect(staff.filter((u) => u.role === 'staff').length).toBeGreaterThanOrEqual(5);
    expect(staff[0]!.password_hash).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(await verifyPassword('keyed-demo-pass', staff[0]!.password_hash)).toBe(false);

    // Time runs with ids, inside the window; every attempt is settled.
    expect(attempts.every((a, i) => i === 0 || a.created_at >= attempts[i - 1]!.created_at)).toBe(true);
    expect(Math.min(...attempts.map((a) => a.created_at))).toBeGreaterThanOrEqual(Math.floor(END / DAY) * DAY - 59 * DAY);
    expect(Math.max(...attempts.map((a) => a.created_at))).toBeLessThanOrEqual(END);
    expect(attempts.every((a) => ['succeeded', 'failed', 'blocked'].includes(a.status) && a.settled_at >= a.created_at)).toBe(true);

    // Well-formed keys and Stripe ids; no card numbers, only last 4.
    expect(attempts.every((a) => ATTEMPT_KEY_PATTERN.test(a.idempotency_key))).toBe(true);
    expect(attempts.filter((a) => a.status !== 'blocked').every((a) => /^pi_3S[A-Za-z0-9]{22}$/.test(a.stripe_payment_intent_id!))).toBe(true);
    expect(attempts.filter((a) => a.status === 'succeeded').every((a) => /^ch_3S[A-Za-z0-9]{22}$/.test(a.stripe_charge_id!))).toBe(true);
    expect(attempts.every((a) => /^\d{4}$/.test(a.card_last4) && /^pm_3S/.test(a.payment_method_id))).toBe(true);
    expect(JSON.stringify(dump())).not.toMatch(/"\d{13,19}"/);

    // A realistic mix: mostly successes, the usual declines, ~0.5% authentication required, USD and CAD, mostly US/CA cards.
    const share = (f: (a: Attempt) => boolean) => attempts.filter(f).length / attempts.length;
    expect(share((a) => a.status === 'succeeded')).toBeGreaterThan(0.85);
    for (const code of ['insufficient_funds', 'generic_decline', 'expired_card', 'incorrect_cvc', 'processing_error']) {
      expect(
        share((a) => a.decline_code === code),
        code,
      ).toBeGreaterThan(0);
    }
    expect(share((a) => a.failure_code === 'authentication_required')).toBeGreaterThan(0.001);
    expect(share((a) => a.failure_code === 'authentication_required')).toBeLessThan(0.012);
    expect(share((a) => a.currency === 'cad')).toBeGreaterThan(0.3);
    expect(share((a) => a.card_country === 'US' || a.card_country === 'CA')).toBeGreaterThan(0.95);
    expect(new Set(attempts.map((a) => a.card_brand)).size).toBeGreaterThanOrEqual(4);

    // Invoices agree with their attempts and refunds: one success per paid invoice; refunds add up.
    const byInvoice = new Map<number, Attempt[]>();
    for (const a of attempts) byInvoice.set(a.invoice_id, [...(byInvoice.get(a.invoice_id) ?? []), a]);
    let recovered = 0;
    for (const invoice of invoices) {
      const mine = byInvoice.get(invoice.id) ?? [];
      const succeeded = mine.filter((a) => a.status === 'succeeded');
      expect(succeeded.length).toBeLessThanOrEqual(1);
      expect(mine.every((a) => a.amount === invoice.amount && a.currency === invoice.currency)).toBe(true);
      if (['paid', 'partially_refunded', 'refunded'].includes(invoice.status)) expect(succeeded).toHaveLength(1);
      else expect(succeeded).toHaveLength(0);
      if (succeeded.length === 1 && mine[0]!.status === 'failed') recovered++;
      const refunded = refunds.filter((r) => succeeded[0] && r.attempt_id === succeeded[0].id).reduce((n, r) => n + r.amount, 0);
      expect(invoice.amount_refunded).toBe(refunded);
      if (succeeded[0]) expect(succeeded[0].amount_refunded).toBe(refunded);
      if (invoice.status === 'refunded') expect(refunded).toBe(invoice.amount);
      if (invoice.status === 'partially_refunded') expect(refunded).toBeLessThan(invoice.amount);
    }
    expect(recovered).toBeGreaterThan(20);
    expect(refunds.length).toBeGreaterThan(50);
    expect(refunds.every((r) => /^re_3S/.test(r.stripe_refund_id) && r.status === 'succeeded')).toBe(true);
    expect(refunds.some((r) => r.user_id === null)).toBe(true);
  });

  it('in the rising-auth scenario the authentication-required share climbs from ~0.5% to ~3% over the last weeks', async () => {
    expect(scenarioAuthShare('rising-auth', 60)).toBe(BASELINE_AUTH_SHARE);
    expect(scenarioAuthShare('rising-auth', 0)).toBeCloseTo(0.03, 3);
    expect(scenarioAuthShare('flat', 0)).toBe(BASELINE_AUTH_SHARE);
    await generateHistory(getSqlite(), { attempts: 40_000, days: 90, seed: 3, endAt: END, scenario: 'rising-auth' });
    const authShareBetween = (fromDaysAgo: number, toDaysAgo: number) => {
      const row = getSqlite()
        .prepare(
          "select avg(case when failure_code = 'authentication_required' then 1.0 else 0 end) as share from payment_attempts where created_at >= ? and created_at < ?",
        )
        .get(END - fromDaysAgo * DAY, END - toDaysAgo * DAY) as { share: number };
      return row.share;
    };
    expect(authShareBetween(90, 30)).toBeLessThan(0.009);
    expect(authShareBetween(7, 0)).toBeGreaterThan(0.018);
  });

  it('the sandbox demo’s history shows the upgrade banner from the rise detector, not only the threshold', async () => {
    // The weakest starts of 7 weekdays × 3 hours measured (evidence 123–200% of the alarm level): Monday
    // evening and morning, and ten minutes after midnight, when "today" holds almost nothing.
    const starts = [Date.UTC(2026, 10, 23, 18), Date.UTC(2026, 10, 23, 9), Date.UTC(2026, 10, 25, 0, 10)];
    const dir = mkdtempSync(join(tmpdir(), 'keyed-demo-curve-'));
    try {
      for (const [i, start] of starts.entries()) {
        const sqlite = openSqlite(join(dir, `demo-${i}.db`));
        migrateDatabase(sqlite);
        // As seedDemoHistory does: the history ends an hour before the start.
        await generateHistory(sqlite, { attempts: 9000, days: 90, seed: 1, endAt: start - 3_600_000, authShare: demoAuthShare });
        const series = sqlite
          .prepare(
            `select day, sum(attempts) as attempts, sum(case when status = 'failed' and failure_code = 'authentication_required' then attempts else 0 end) as authRequired
             from daily_outcomes group by day`,
          )
          .all() as { day: string; attempts: number; authRequired: number }[];
        sqlite.close();
        const signal = evaluateUpgradeSignal(series, new Date(start).toISOString().slice(0, 10));
        expect(signal, new Date(start).toISOString()).toMatchObject({ on: true, reason: 'both' });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('takes an authShare curve (e.g. a step) for detector tests, and existing users as staff', async () => {
    const staff = getSqlite().prepare("insert into users (email, name, role, password_hash) values ('a@x.test', 'A', 'staff', 'x') returning id").get() as {
      id: number;
    };
    await generateHistory(getSqlite(), {
      attempts: 3000,
      days: 30,
      seed: 1,
      endAt: END,
      staffUserIds: [staff.id],
      refundUserIds: [staff.id],
      authShare: (daysAgo) => (daysAgo < 10 ? 0.2 : 0),
    });
    const rows = getSqlite().prepare('select created_at, failure_code, user_id from payment_attempts').all() as {
      created_at: number;
      failure_code: string | null;
      user_id: number;
    }[];
    expect(rows.every((r) => r.user_id === staff.id)).toBe(true);
    const old = rows.filter((r) => r.created_at < END - 10 * DAY);
    expect(old.filter((r) => r.failure_code === 'authentication_required')).toHaveLength(0);
    expect(rows.filter((r) => r.failure_code === 'authentication_required').length).toBeGreaterThan(100);
    expect((getSqlite().prepare("select count(*) as n from users where email like '%@history.keyed.test'").get() as { n: number }).n).toBe(0);
  });
});
