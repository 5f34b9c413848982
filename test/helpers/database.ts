import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach } from 'vitest';

import { closeDb, getSqlite } from '~/platform/db.server';
import { resetEnvCache } from '~/platform/env.server';

import { migrateDatabase } from '../../db/migrate';

/** Gives every test in the file its own freshly migrated SQLite file, removed afterwards. */
export function useTestDatabase(extraEnv: Record<string, string | undefined> = {}) {
  let dir = '';
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keyed-test-'));
    const env = { DATABASE_PATH: join(dir, 'keyed.db'), ...extraEnv };
    for (const [key, value] of Object.entries(env)) {
      saved[key] = process.env[key];
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    resetEnvCache();
    closeDb();
    migrateDatabase(getSqlite());
  });
  afterEach(() => {
    closeDb();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    resetEnvCache();
    rmSync(dir, { recursive: true, force: true });
  });
}
