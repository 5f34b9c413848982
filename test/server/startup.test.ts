import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { closeDb } from '~/platform/db.server';
import { resetEnvCache } from '~/platform/env.server';
import { getUpgradeSignal } from '~/reports/upgrade-signal-data.server';

import { ensureBuilt, type Keyed, logIn, removeDir, runScript, startKeyed } from '../helpers/launcher';

type Counts = { users: number; invoices: number; attempts: number; refunds: number };
const COUNTS = `select (select count(*) from users) as users, (select count(*) from invoices) as invoices,
  (select count(*) from payment_attempts) as attempts, (select count(*) from refunds) as refunds`;

/** The upgrade signal computed in this process, straight from a database file (before Keyed ever opens it). */
function signalOf(databasePath: string) {
  const saved = process.env.DATABASE_PATH;
  process.env.DATABASE_PATH = databasePath;
  resetEnvCache();
  closeDb();
  try {
    // As the loader's JSON carries it.
    return JSON.parse(JSON.stringify(getUpgradeSignal())) as ReturnType<typeof getUpgradeSignal>;
  } finally {
    closeDb();
    process.env.DATABASE_PATH = saved;
    resetEnvCache();
  }
}

beforeAll(() => ensureBuilt(), 240_000);

describe('npm start on a generated history (issue 12: it crashed on a UNIQUE idempotency key, then mixed in demo data)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyed-start-history-'));
  const env = { DATABASE_PATH: join(dir, 'keyed.db'), SANDBOX_DB: join(dir, 'sandbox.db') };
  let app: Keyed | undefined;
  afterAll(async () => {
    await app?.stop();
    removeDir(dir);
  });

  it('starts, adds no demo rows, and the upgrade banner reflects only the generated data; a restart sends the sandbox nothing again', async () => {
    // The README's commands, with the generator's default seed (the demo's seed too, which is what collided).
    const generated = runScript('scripts/generate-history.ts', ['--attempts', '3000', '--days', '60', '--scenario', 'flat'], env);
    expect(generated.code, generated.stderr).toBe(0);
    const manager = runScript(
      'scripts/user-create.ts',
      ['--email', 'owner@shop.test', '--name', 'Owner', '--role', 'manager', '--password', 'owner-pass-123'],
      env,
    );
    expect(manager.code, manager.stderr).toBe(0);
    // Managers need a second factor by default; this owner reads reports with a password only (a /settings choice).
    const db = new Database(env.DATABASE_PATH);
    db.prepare("insert into settings (key, value, updated_at) values ('two_factor_manager', '0', ?)").run(Date.now());
    db.close();
    const expected = signalOf(env.DATABASE_PATH);
    // A flat 0.5% history: the old start-up's demo charges (rising to 4.5%) turned this banner on.
    expect(expected.on).toBe(false);

    app = await startKeyed({ dir, env });
    const [before] = app.query<Counts>(COUNTS);
    expect(before).toMatchObject({ attempts: 3000 });
    expect(app.query('select email from users where email like ?', '%@keyed.test')).toEqual([]);
    expect(app.query("select key from settings where key in ('demo_seeded_at', 'demo_history_seeded_at')")).toEqual([]);
    expect(app.lines.some((l) => l.includes('no demo data added'))).toBe(true);

    const cookie = await logIn(app, 'owner@shop.test', 'owner-pass-123');
    const reports = (await (await fetch(`${app.url}/reports?_data=routes%2Freports`, { headers: { Cookie: cookie } })).json()) as {
      signal: ReturnType<typeof signalOf>;
    };
    expect(reports.signal.on).toBe(false);
    // Everything behind the banner (counts, shares, the detector's evidence, money at stake) is the generated data's own.
    expect(reports.signal).toEqual(expected);

    // The sandbox mirror (background) finishes, then a restart sends it nothing.
    await waitFor(() => app!.lines.some((l) => l.includes('more historical charges')), 60_000);
    const mirrored = app.query<{ value: string }>("select value from settings where key = 'sandbox_history_mirror'")[0]!;
    const succeeded = app.query<{ n: number }>("select count(*) as n from payment_attempts where status = 'succeeded'")[0]!.n;
    const imported = JSON.parse(lineWith(app, 'more historical charges')).mirror.imported as number;
    expect(imported).toBe(succeeded);
    expect(await app.stop()).toBe(0);

    app = await startKeyed({ dir, env });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(app.lines.some((l) => l.includes('more historical charges'))).toBe(false);
    expect(app.query<{ value: string }>("select value from settings where key = 'sandbox_history_mirror'")[0]!.value).toBe(mirrored.value);
    expect(app.query<Counts>(COUNTS)[0]).toEqual(before);
    // Production mode, as npm start runs it.
    expect(JSON.parse(lineWith(app, 'Keyed is running')).nodeEnv).toBe('production');
  }, 180_000);
});

describe('demo data', () => {
  it('is seeded into an empty database, and not at all with KEYED_DEMO=off', async () => {
    const off = await startKeyed({ env: { KEYED_DEMO: 'off' } });
    try {
      expect(off.query<Counts>(COUNTS)[0]).toEqual({ users: 0, invoices: 0, attempts: 0, refunds: 0 });
      expect(off.lines.some((l) => l.includes('Demo logins'))).toBe(false);
    } finally {
      expect(await off.stop()).toBe(0);
    }
    // The same (still empty) database with demo data on: users, invoices and ~90 days of charges.
    const on = await startKeyed({ dir: off.dir, env: { DATABASE_PATH: off.env.DATABASE_PATH!, SANDBOX_DB: off.env.SANDBOX_DB! } });
    try {
      const counts = on.query<Counts>(COUNTS)[0]!;
      expect(counts.attempts).toBe(9000);
      expect(on.query('select email from users where email like ?', '%@keyed.test')).toHaveLength(3);
    } finally {
      expect(await on.stop()).toBe(0);
      removeDir(on.dir);
    }
  }, 120_000);

  it('stops start-up with a message naming KEYED_DEMO when it is neither on nor off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyed-bad-env-'));
    try {
      await expect(startKeyed({ dir, env: { KEYED_DEMO: 'maybe' } })).rejects.toThrow(/KEYED_DEMO: use on or off/);
    } finally {
      removeDir(dir);
    }
  }, 60_000);
});

function lineWith(app: Keyed, text: string) {
  const line = app.lines.find((l) => l.includes(text));
  if (!line) throw new Error(`no log line with "${text}"`);
  return line;
}

async function waitFor(check: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
