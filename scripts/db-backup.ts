// A consistent copy of Keyed's database while Keyed runs, checked before it is kept (honours DATABASE_PATH):
//   npm run db:backup -- --to backups/keyed-2026-11-30.db
// In sandbox mode the sandbox's file is copied too, beside it (keyed-2026-11-30.sandbox.db).
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { getEnv } from '../app/platform/env.server';
import { backupDatabase, sandboxCopyPath } from '../db/backup';

const KEYED_TABLES = ['users', 'invoices', 'payment_attempts', 'refunds', 'audit_events', 'webhook_events', 'settings'];

function main() {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { values } = parseArgs({ options: { to: { type: 'string' } } });
  if (!values.to) {
    console.error('Usage: npm run db:backup -- --to FILE   (a new file; backups are never overwritten)');
    process.exit(2);
  }
  const env = getEnv();
  const target = resolve(values.to);
  mkdirSync(dirname(target), { recursive: true });
  // Keyed's file first, the sandbox's second: the sandbox copy is then the newer one, so it knows every charge
  // the Keyed copy knows, and an attempt the copy holds as pending is settled from it by the reconciler.
  const copies = [{ label: 'Keyed', source: resolve(env.DATABASE_PATH), target, tables: KEYED_TABLES }];
  if (env.mode === 'sandbox' && existsSync(env.SANDBOX_DB)) {
    copies.push({ label: 'Sandbox', source: resolve(env.SANDBOX_DB), target: sandboxCopyPath(target), tables: ['objects', 'idempotency_keys'] });
  }
  for (const copy of copies) {
    const result = backupDatabase(copy.source, copy.target, copy.tables);
    const counts = result.check.ok ? Object.entries(result.check.tables).map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`) : [];
    console.log(`${copy.label}: ${copy.source} → ${copy.target}`);
    console.log(`  ${(result.bytes / 1024 ** 2).toFixed(1)} MB in ${(result.ms / 1000).toFixed(1)} s; integrity_check ok; ${counts.join(', ')}`);
  }
  console.log(`Restore with: npm run db:restore -- --from ${target}`);
}

try {
  main();
} catch (error) {
  console.error(`Backup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
