import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Applies committed drizzle-kit migrations. Called once by the launcher (and by tests), never per request. */
export function migrateDatabase(sqlite: Database.Database) {
  migrate(drizzle(sqlite), { migrationsFolder });
}

/** When the newest migration this code knows was generated (drizzle records it per applied migration). */
export function newestKnownMigration(): number {
  const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as { entries: { when: number }[] };
  return Math.max(...journal.entries.map((e) => e.when));
}

/** The newest migration applied to a database file, or null when it has none (not a Keyed database). */
export function newestAppliedMigration(sqlite: Database.Database): number | null {
  const table = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get();
  if (!table) return null;
  return (sqlite.prepare('select max(created_at) from __drizzle_migrations').pluck().get() as number | null) ?? null;
}
