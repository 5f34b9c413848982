// Recounts the reports rollup from payment_attempts: `npm run db:rebuild-rollup` (honours DATABASE_PATH).
import { closeDb, getDb, getSqlite } from '../app/platform/db.server';
import { getEnv } from '../app/platform/env.server';
import { rebuildRollup } from '../app/reports/rollup.server';
import { migrateDatabase } from '../db/migrate';

const started = performance.now();
migrateDatabase(getSqlite());
rebuildRollup(getDb());
closeDb();
console.log(`Rebuilt the daily rollup of ${getEnv().DATABASE_PATH} in ${Math.round(performance.now() - started)} ms.`);
