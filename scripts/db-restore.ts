// Puts a backup back (honours DATABASE_PATH and, in sandbox mode, SANDBOX_DB):
//   npm run db:restore -- --from backups/keyed-2026-11-30.db
// Refuses while Keyed (or anything) has the database open, and checks the backup before touching anything.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import Database from 'better-sqlite3';

import { getEnv } from '../app/platform/env.server';
import { checkFile, databaseInUse, restoreFile, sandboxCopyPath } from '../db/backup';
import { newestAppliedMigration, newestKnownMigration } from '../db/migrate';

class Refusal extends Error {}

function main() {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { values } = parseArgs({ options: { from: { type: 'string' } } });
  if (!values.from) {
    console.error('Usage: npm run db:restore -- --from FILE   (a file written by npm run db:backup)');
    process.exit(2);
  }
  const env = getEnv();
  const backup = resolve(values.from);
  const plan = [{ label: 'Keyed', backup, target: resolve(env.DATABASE_PATH), tables: ['users', 'invoices', 'payment_attempts'] }];
  const sandboxBackup = sandboxCopyPath(backup);
  if (env.mode === 'sandbox' && existsSync(sandboxBackup)) {
    plan.push({ label: 'Sandbox', backup: sandboxBackup, target: resolve(env.SANDBOX_DB), tables: ['objects'] });
  }

  // Everything is checked before anything is replaced.
  for (const step of plan) {
    const check = checkFile(step.backup, step.tables);
    if (!check.ok) throw new Refusal(`${step.backup} is not a usable ${step.label} backup: ${check.problem}`);
    if (databaseInUse(step.target)) {
      throw new Refusal(`${step.target} is in use (is Keyed running?). Stop Keyed first; nothing was changed.`);
    }
  }
  const applied = withFile(backup, newestAppliedMigration);
  if (applied === null) throw new Refusal(`${backup} has no migration history: not a Keyed database.`);
  if (applied > newestKnownMigration()) {
    throw new Refusal(`${backup} was written by a newer Keyed (its schema has migrations this version lacks). Restore it with that version.`);
  }

  for (const step of plan) {
    const { previous } = restoreFile(step.backup, step.target);
    console.log(`${step.label}: ${step.backup} → ${step.target}${previous ? ` (the file it replaced is kept as ${previous})` : ''}`);
  }
  console.log('Restored. Start Keyed: it applies any newer migrations and its reconciler settles attempts the backup caught in flight.');
}

function withFile<T>(path: string, read: (sqlite: Database.Database) => T): T {
  const sqlite = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return read(sqlite);
  } finally {
    sqlite.close();
  }
}

try {
  main();
} catch (error) {
  console.error(error instanceof Refusal ? `Refused: ${error.message}` : `Restore failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
