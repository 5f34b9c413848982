import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';

import * as schema from '../../db/schema';
import { getEnv } from './env.server';

export type Db = BetterSQLite3Database<typeof schema>;
/** The handle inside db.transaction(): domain functions that must run in a caller's transaction take one. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export function openSqlite(path: string) {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // FULL: a committed pending attempt must survive a power cut, or a charge Stripe made could be forgotten.
  sqlite.pragma('synchronous = FULL');
  return sqlite;
}

let current: { path: string; sqlite: Database.Database; db: Db } | undefined;

/** The process-wide connection to DATABASE_PATH, opened on first use. */
export function getDb(): Db {
  return connection().db;
}

export function getSqlite(): Database.Database {
  return connection().sqlite;
}

function connection() {
  const path = getEnv().DATABASE_PATH;
  if (!current || current.path !== path) {
    current?.sqlite.close();
    const sqlite = openSqlite(path);
    current = { path, sqlite, db: drizzle(sqlite, { schema }) };
  }
  return current;
}

export function closeDb() {
  current?.sqlite.close();
  current = undefined;
}

/** A LIKE pattern matching `text` anywhere, with % _ and \ taken literally (use with `escape '\'`). */
export function likePattern(text: string) {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** True for SQLite's unique-constraint error: another writer got there first. */
export function isUniqueViolation(error: unknown) {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}
