import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { chargeThroughApp, ensureBuilt, type Keyed, logIn, removeDir, runScript, runScriptAsync, sandboxControl, startKeyed } from '../helpers/launcher';

type Attempt = { id: number; invoice_id: number; status: string; amount: number; currency: string; stripe_payment_intent_id: string | null };
const SETTLED =
  "select id, invoice_id, status, amount, currency, stripe_payment_intent_id from payment_attempts where status in ('succeeded', 'failed', 'blocked') order by id";

beforeAll(() => ensureBuilt(), 240_000);

describe('db:backup and db:restore', () => {
  const dirs: string[] = [];
  const apps: Keyed[] = [];
  afterAll(async () => {
    for (const app of apps) await app.stop();
    for (const dir of dirs) removeDir(dir);
  });

  it('backs up during a charge storm and restores into a fresh directory with every settled attempt present', async () => {
    const live = await startKeyed();
    apps.push(live);
    dirs.push(live.dir);
    const backupDir = mkdtempSync(join(tmpdir(), 'keyed-backups-'));
    const freshDir = mkdtempSync(join(tmpdir(), 'keyed-restored-'));
    dirs.push(backupDir, freshDir);
    const cookie = await logIn(live, 'staff@keyed.test');
    // The demo's own 30 open invoices (the generated history's come after them).
    const invoices = live.query<{ id: number }>("select id from invoices where status = 'open' and id <= 30 order by id").map((r) => r.id);
    expect(invoices.length).toBeGreaterThanOrEqual(24);
    // Slow enough that charges are in flight while the copy is taken.
    await sandboxControl(live, 'latency', { ms: 40 });

    // Four people charging at once (one declined card in six), 24 charges in all.
    let next = 0;
    const storm = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < 24) {
          const i = next++;
          await chargeThroughApp(live, cookie, invoices[i]!, { number: i % 6 === 5 ? '4000000000000002' : '4242424242424242' });
        }
      }),
    );
    while (next < 8) await new Promise((r) => setTimeout(r, 20));
    const settledBefore = live.query<Attempt>(SETTLED);
    const backupFile = join(backupDir, 'keyed-backup.db');
    const backupRun = runScriptAsync('scripts/db-backup.ts', ['--to', backupFile], live.env);
    const [backup] = await Promise.all([backupRun, storm]);
    const settledSinceBackupStarted = live.query<Attempt>(SETTLED).filter((a) => a.id > 9000).length - settledBefore.filter((a) => a.id > 9000).length;
    expect(backup.code, backup.stderr).toBe(0);
    expect(settledSinceBackupStarted).toBeGreaterThan(0);
    expect(backup.stdout).toContain(`→ ${backupFile}`);
    expect(backup.stdout).toMatch(/integrity_check ok; users [\d,]+, invoices [\d,]+, payment_attempts [\d,]+/);
    expect(backup.stdout).toContain('keyed-backup.sandbox.db');
    expect(statSync(backupFile).size).toBeGreaterThan(0);
    expect(existsSync(`${backupFile}.partial`)).toBe(false);

    // Never overwrites a backup.
    const again = runScript('scripts/db-backup.ts', ['--to', backupFile], live.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);

    // A running Keyed's database is never replaced, and nothing is changed.
    const attemptsNow = live.query<{ n: number }>('select count(*) as n from payment_attempts')[0]!.n;
    const refused = runScript('scripts/db-restore.ts', ['--from', backupFile], live.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/in use \(is Keyed running\?\)/);
    expect(live.query<{ n: number }>('select count(*) as n from payment_attempts')[0]!.n).toBe(attemptsNow);

    // Into a fresh directory: every attempt settled before the backup began is there, unchanged.
    const freshEnv = { ...live.env, DATABASE_PATH: join(freshDir, 'keyed.db'), SANDBOX_DB: join(freshDir, 'sandbox.db') };
    const restored = runScript('scripts/db-restore.ts', ['--from', backupFile], freshEnv);
    expect(restored.code, restored.stderr).toBe(0);
    const copy = new Database(freshEnv.DATABASE_PATH, { readonly: true });
    const restoredSettled = copy.prepare(SETTLED).all() as Attempt[];
    const byId = new Map(restoredSettled.map((a) => [a.id, a]));
    for (const attempt of settledBefore) expect(byId.get(attempt.id)).toEqual(attempt);
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    const restoredAttempts = copy.prepare('select id, status from payment_attempts where id > 9000 order by id').all() as { id: number; status: string }[];
    const restoredTotal = copy.prepare('select count(*) from payment_attempts').pluck().get();
    copy.close();
    expect(restoredAttempts.length).toBeGreaterThanOrEqual(settledBefore.filter((a) => a.id > 9000).length);

    // Keyed starts on the restored files, and its reconciler settles what the backup caught in flight exactly as
    // it went in the original: the sandbox's copy was taken after Keyed's, so it holds every answer.
    const finalLive = new Map(
      live.query<{ id: number; status: string }>('select id, status from payment_attempts where id > 9000').map((a) => [a.id, a.status]),
    );
    const revived = await startKeyed({ dir: freshDir, env: { DATABASE_PATH: freshEnv.DATABASE_PATH, SANDBOX_DB: freshEnv.SANDBOX_DB } });
    apps.push(revived);
    const deadline = Date.now() + 30_000;
    while (revived.query<{ n: number }>("select count(*) as n from payment_attempts where status in ('pending', 'unknown')")[0]!.n > 0) {
      if (Date.now() > deadline) throw new Error('the restored database still has unsettled attempts');
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const attempt of revived.query<{ id: number; status: string }>('select id, status from payment_attempts where id > 9000')) {
      expect(attempt.status).toBe(finalLive.get(attempt.id));
    }
    // Nothing was added at start (no demo data into a database that has data).
    expect(revived.query<{ n: number }>('select count(*) as n from payment_attempts')[0]!.n).toBe(restoredTotal);
  }, 240_000);

  it('refuses a file that is not a Keyed backup, and keeps the database it would have replaced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyed-restore-bad-'));
    dirs.push(dir);
    const env = { DATABASE_PATH: join(dir, 'keyed.db'), SANDBOX_DB: join(dir, 'sandbox.db') };
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'not a database at all');
    const notSqlite = runScript('scripts/db-restore.ts', ['--from', garbage], env);
    expect(notSqlite.code).toBe(1);
    expect(notSqlite.stderr).toMatch(/not a usable Keyed backup/);

    const other = join(dir, 'other.db');
    const db = new Database(other);
    db.exec('create table notes (x)');
    db.close();
    const wrongKind = runScript('scripts/db-restore.ts', ['--from', other], env);
    expect(wrongKind.code).toBe(1);
    expect(wrongKind.stderr).toMatch(/no users table/);
    expect(existsSync(env.DATABASE_PATH)).toBe(false);

    // A good backup over an existing (stopped) database: the old file is kept beside it.
    expect(runScript('scripts/generate-history.ts', ['--attempts', '200', '--days', '5'], env).code).toBe(0);
    const backupFile = join(dir, 'good.db');
    expect(runScript('scripts/db-backup.ts', ['--to', backupFile], env).code).toBe(0);
    expect(runScript('scripts/generate-history.ts', ['--attempts', '100', '--days', '5'], env).code).toBe(0);
    const restore = runScript('scripts/db-restore.ts', ['--from', backupFile], env);
    expect(restore.code, restore.stderr).toBe(0);
    const kept = /kept as (\S+)\)/.exec(restore.stdout)?.[1];
    expect(kept && readFileSync(kept).length).toBeGreaterThan(0);
    const restored = new Database(env.DATABASE_PATH, { readonly: true });
    expect(restored.prepare('select count(*) from payment_attempts').pluck().get()).toBe(200);
    restored.close();
    const previous = new Database(kept!, { readonly: true });
    expect(previous.prepare('select count(*) from payment_attempts').pluck().get()).toBe(300);
    previous.close();
  }, 120_000);
});
