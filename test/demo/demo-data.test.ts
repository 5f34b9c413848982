import { describe, expect, it } from 'vitest';

import { getDb, getSqlite } from '~/platform/db.server';

import { generateDemoHistory, mirrorHistoryToSandbox, SANDBOX_MIRROR_KEY } from '../../demo/demo-history';
import { generateHistory } from '../../demo/history';
import { isDatabaseEmpty, seedDemoData } from '../../demo/seed';
import { useTestDatabase } from '../helpers/database';
import { useSandbox } from '../helpers/sandbox';
import { createTestUser } from '../helpers/users';

useTestDatabase();
const sandbox = useSandbox();

const count = (table: string) => getSqlite().prepare(`select count(*) from ${table}`).pluck().get() as number;
const DAY = 86_400_000;

describe('demo data goes only into an empty database', () => {
  it('is seeded into an empty database once: users, invoices, ~90 days of charges', async () => {
    expect(isDatabaseEmpty(getSqlite())).toBe(true);
    const first = await seedDemoData(getSqlite(), getDb(), { enabled: true, password: 'demo-pass-123' });
    expect(first).toEqual({ seeded: true, users: 3, invoices: 30, attempts: 9000 });
    expect(await seedDemoData(getSqlite(), getDb(), { enabled: true, password: 'demo-pass-123' })).toEqual({ seeded: false, reason: 'already_seeded' });
    expect(count('payment_attempts')).toBe(9000);
  }, 60_000);

  it('adds nothing to a database with users, invoices or attempts of its own, and nothing when turned off', async () => {
    expect(await seedDemoData(getSqlite(), getDb(), { enabled: false, password: 'demo-pass-123' })).toEqual({ seeded: false, reason: 'off' });
    expect(isDatabaseEmpty(getSqlite())).toBe(true);
    await createTestUser('manager', 'owner@shop.test');
    expect(isDatabaseEmpty(getSqlite())).toBe(false);
    expect(await seedDemoData(getSqlite(), getDb(), { enabled: true, password: 'demo-pass-123' })).toEqual({ seeded: false, reason: 'not_empty' });
    expect([count('users'), count('invoices'), count('payment_attempts')]).toEqual([1, 0, 0]);
  });

  it('finishes the job when a start was cut short between the demo users and their history', async () => {
    await seedDemoData(getSqlite(), getDb(), { enabled: true, password: 'demo-pass-123' });
    getSqlite().exec("delete from refunds; delete from payment_attempts; delete from settings where key = 'demo_history_seeded_at'");
    expect(await seedDemoData(getSqlite(), getDb(), { enabled: true, password: 'demo-pass-123' })).toMatchObject({ seeded: true, attempts: 9000 });
  }, 60_000);
});

describe('the history generator', () => {
  it('can run twice into one database with the same seed (the start-up crash: UNIQUE idempotency_key)', async () => {
    const endAt = Date.UTC(2026, 10, 20);
    await generateHistory(getSqlite(), { attempts: 500, days: 10, seed: 1, endAt });
    await generateHistory(getSqlite(), { attempts: 500, days: 10, seed: 1, endAt });
    expect(count('payment_attempts')).toBe(1000);
    const distinct = getSqlite()
      .prepare('select count(distinct idempotency_key) as keys, count(distinct stripe_payment_intent_id) as intents from payment_attempts')
      .get();
    const intents = getSqlite().prepare('select count(*) from payment_attempts where stripe_payment_intent_id is not null').pluck().get();
    expect(distinct).toEqual({ keys: 1000, intents });
  });
});

describe('the sandbox mirror of history', () => {
  const since = () => Date.now() - 91 * DAY;
  const succeeded = () => count("payment_attempts where status = 'succeeded'");

  it('sends each charge once: a second run sends nothing, and new history only the new charges', async () => {
    await generateDemoHistory(getSqlite(), { attempts: 600, days: 30 });
    const seen: number[] = [];
    const first = await mirrorHistoryToSandbox(getSqlite(), { sandboxUrl: sandbox.url, since: since(), onBatch: (p) => seen.push(p.imported) });
    expect(first).toMatchObject({ imported: succeeded(), skipped: 0, done: true });
    expect(first.batches).toBeGreaterThan(2);

    expect(await mirrorHistoryToSandbox(getSqlite(), { sandboxUrl: sandbox.url, since: since() })).toEqual({
      imported: 0,
      skipped: 0,
      unimportable: 0,
      batches: 0,
      done: true,
    });

    const before = succeeded();
    const lastId = getSqlite().prepare('select max(id) from payment_attempts').pluck().get() as number;
    await generateHistory(getSqlite(), { attempts: 200, days: 2, seed: 7, endAt: Date.now() - 3_600_000 });
    // Charges Keyed sent itself since (sent_at set) are the sandbox's own already: not sent again.
    const keyedSent = getSqlite()
      .prepare("update payment_attempts set sent_at = created_at where id > ? and id % 2 = 0 and status = 'succeeded'")
      .run(lastId).changes;
    expect(keyedSent).toBeGreaterThan(0);
    const added = await mirrorHistoryToSandbox(getSqlite(), { sandboxUrl: sandbox.url, since: since() });
    expect(added).toMatchObject({ imported: succeeded() - before - keyedSent, skipped: 0, done: true });
  }, 60_000);

  it('resumes where it stopped, and starts again when the sandbox lost its data', async () => {
    await generateDemoHistory(getSqlite(), { attempts: 600, days: 30 });
    const stop = new AbortController();
    const partial = await mirrorHistoryToSandbox(getSqlite(), {
      sandboxUrl: sandbox.url,
      since: since(),
      signal: stop.signal,
      onBatch: () => stop.abort(),
    });
    expect(partial).toMatchObject({ batches: 1, done: false });
    // Newest first: after one batch the newest charge is in the sandbox, the oldest is not yet.
    const edge = (order: 'asc' | 'desc') =>
      getSqlite().prepare(`select stripe_charge_id from payment_attempts where status = 'succeeded' order by id ${order} limit 1`).pluck().get() as string;
    expect((await sandbox.stripe.charges.retrieve(edge('desc'))).id).toBe(edge('desc'));
    await expect(sandbox.stripe.charges.retrieve(edge('asc'))).rejects.toThrow(/No such charge/);
    const rest = await mirrorHistoryToSandbox(getSqlite(), { sandboxUrl: sandbox.url, since: since() });
    expect(rest).toMatchObject({ imported: succeeded() - partial.imported, skipped: 0, done: true });

    await sandbox.control('reset', {});
    const again = await mirrorHistoryToSandbox(getSqlite(), { sandboxUrl: sandbox.url, since: since() });
    expect(again).toMatchObject({ imported: succeeded(), done: true });
    expect(getSqlite().prepare('select value from settings where key = ?').pluck().get(SANDBOX_MIRROR_KEY)).toBeTruthy();
  }, 60_000);

  it('leaves out, and counts, a charge whose ids the sandbox would refuse, instead of failing', async () => {
    await generateDemoHistory(getSqlite(), { attempts: 100, days: 5 });
    getSqlite()
      .prepare("update payment_attempts set stripe_payment_intent_id = 'pi_odd' where id = (select max(id) from payment_attempts where status = 'succeeded')")
      .run();
    const result = await mirrorHistoryToSandbox(getSqlite(), { sandboxUrl: sandbox.url, since: since() });
    expect(result).toMatchObject({ imported: succeeded() - 1, skipped: 0, unimportable: 1, done: true });
  }, 60_000);
});
