// Synthetic charge history for reports and benchmarks (honours DATABASE_PATH):
//   npm run db:generate-history -- --attempts 1000000 --days 365 [--scenario rising-auth|flat] [--seed N]
import { parseArgs } from 'node:util';

import { closeDb, getSqlite } from '../app/platform/db.server';
import { getEnv } from '../app/platform/env.server';
import { migrateDatabase } from '../db/migrate';
import type { HistoryScenario } from '../demo/auth-share';
import { generateHistory } from '../demo/history';

const { values } = parseArgs({
  options: {
    attempts: { type: 'string', default: '100000' },
    days: { type: 'string', default: '365' },
    scenario: { type: 'string', default: 'flat' },
    seed: { type: 'string', default: '1' },
  },
});

function positiveInteger(name: string, raw: string) {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`--${name} must be a positive whole number, got ${raw}`);
    process.exit(1);
  }
  return n;
}

const attempts = positiveInteger('attempts', values.attempts!);
const days = positiveInteger('days', values.days!);
const seed = Number(values.seed);
if (!Number.isSafeInteger(seed)) {
  console.error(`--seed must be a whole number, got ${values.seed}`);
  process.exit(1);
}
if (values.scenario !== 'flat' && values.scenario !== 'rising-auth') {
  console.error(`--scenario must be flat or rising-auth, got ${values.scenario}`);
  process.exit(1);
}

const sqlite = getSqlite();
migrateDatabase(sqlite);
// A one-off bulk load: a larger cache helps; durability is per transaction anyway (one commit).
sqlite.pragma('cache_size = -262144');
const result = await generateHistory(sqlite, { attempts, days, scenario: values.scenario as HistoryScenario, seed });
closeDb();
const rate = Math.round(result.attempts / (result.insertMs / 1000));
console.log(
  `Wrote ${result.attempts.toLocaleString('en-US')} attempts, ${result.invoices.toLocaleString('en-US')} invoices and ${result.refunds.toLocaleString('en-US')} refunds ` +
    `over ${days} days (${values.scenario}, seed ${seed}) into ${getEnv().DATABASE_PATH}: ${rate.toLocaleString('en-US')} attempts/s inserted, ` +
    `${(result.totalMs / 1000).toFixed(1)} s in all with the rollup rebuild.`,
);
