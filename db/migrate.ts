import { fileURLToPath } from 'node:url';

import type Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Applies committed drizzle-kit migrations. Called once by the launcher (and by tests), never per request. */
export function migrateDatabase(sqlite: Database.Database) {
  migrate(drizzle(sqlite), { migrationsFolder });
}
