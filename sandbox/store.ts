/**
 * The sandbox's own SQLite file: every Stripe object as its JSON, plus the
 * sandbox-private facts behind it (which test card a PaymentMethod is, …).
 * better-sqlite3 is synchronous, so a handler's reads and writes can never
 * interleave with another request's.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import Database from 'better-sqlite3';

import { noSuch } from './errors.ts';

export interface StoredObject {
  id: string;
  object: string;
  created: number;
}

export interface ListQuery {
  limit?: number;
  startingAfter?: string;
  endingBefore?: string;
  created?: { gt?: number; gte?: number; lt?: number; lte?: number };
  /** Equality on top-level string fields of the stored JSON, e.g. { payment_intent: 'pi_…' }. */
  where?: Record<string, string | undefined>;
  /** Leave out deleted objects (`{ deleted: true }` stubs). */
  excludeDeleted?: boolean;
}

export interface ListPage<T> {
  data: T[];
  hasMore: boolean;
}

export interface IdempotencyRecord {
  fingerprint: string;
  status: number;
  body: string;
  requestId: string;
  created: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS objects (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  created INTEGER NOT NULL,
  json TEXT NOT NULL,
  internal TEXT
);
CREATE INDEX IF NOT EXISTS objects_type_seq ON objects (type, seq);
CREATE TABLE IF NOT EXISTS capture_deadlines (
  intent TEXT PRIMARY KEY,
  capture_before INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS capture_deadlines_due ON capture_deadlines (capture_before);
CREATE TABLE IF NOT EXISTS idempotency_keys (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  request_id TEXT NOT NULL,
  created INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
);
`;

export class Store {
  readonly db: Database.Database;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    if (path !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
  }

  close(): void {
    this.db.close();
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  insert<T extends StoredObject>(obj: T, internal?: unknown): T {
    this.db
      .prepare('INSERT INTO objects (id, type, created, json, internal) VALUES (?, ?, ?, ?, ?)')
      .run(obj.id, obj.object, obj.created, JSON.stringify(obj), internal === undefined ? null : JSON.stringify(internal));
    return obj;
  }

  update<T extends StoredObject>(obj: T, internal?: unknown): T {
    if (internal === undefined) {
      this.db.prepare('UPDATE objects SET json = ? WHERE id = ?').run(JSON.stringify(obj), obj.id);
    } else {
      this.db.prepare('UPDATE objects SET json = ?, internal = ? WHERE id = ?').run(JSON.stringify(obj), JSON.stringify(internal), obj.id);
    }
    return obj;
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM objects WHERE id = ?').run(id);
  }

  find<T extends StoredObject>(id: string, type: T['object']): T | undefined {
    const row = this.db.prepare('SELECT json FROM objects WHERE id = ? AND type = ?').get(id, type) as { json: string } | undefined;
    return row ? (JSON.parse(row.json) as T) : undefined;
  }

  /** The object or Stripe's 404 `resource_missing`. */
  get<T extends StoredObject>(id: string, type: T['object'], opts: { param?: string; status?: number } = {}): T {
    const found = this.find<T>(id, type);
    if (!found) throw noSuch(type, id, opts);
    return found;
  }

  internal<I>(id: string): I | undefined {
    const row = this.db.prepare('SELECT internal FROM objects WHERE id = ?').get(id) as { internal: string | null } | undefined;
    return row?.internal ? (JSON.parse(row.internal) as I) : undefined;
  }

  /** Newest first, like Stripe; `seq` breaks ties between objects created in the same second. */
  list<T extends StoredObject>(type: T['object'], q: ListQuery = {}): ListPage<T> {
    const limit = q.limit ?? 10;
    const clauses = ['type = ?'];
    const args: (string | number)[] = [type];
    const created = q.created ?? {};
    for (const [op, sql] of [
      ['gt', '>'],
      ['gte', '>='],
      ['lt', '<'],
      ['lte', '<='],
    ] as const) {
      const value = created[op];
      if (value !== undefined) {
        clauses.push(`created ${sql} ?`);
        args.push(value);
      }
    }
    for (const [field, value] of Object.entries(q.where ?? {})) {
      if (value === undefined) continue;
      if (!/^[a-z_]+$/.test(field)) throw new Error(`bad field ${field}`);
      clauses.push(`json_extract(json, '$.${field}') = ?`);
      args.push(value);
    }
    if (q.excludeDeleted) clauses.push("json_extract(json, '$.deleted') IS NULL");
    let order = 'DESC';
    const cursor = q.startingAfter ?? q.endingBefore;
    if (cursor !== undefined) {
      const param = q.startingAfter !== undefined ? 'starting_after' : 'ending_before';
      const row = this.db.prepare('SELECT seq FROM objects WHERE id = ? AND type = ?').get(cursor, type) as { seq: number } | undefined;
      if (!row) throw noSuch(type, cursor, { param, status: 400 });
      clauses.push(q.startingAfter !== undefined ? 'seq < ?' : 'seq > ?');
      args.push(row.seq);
      if (q.endingBefore !== undefined) order = 'ASC';
    }
    const rows = this.db.prepare(`SELECT json FROM objects WHERE ${clauses.join(' AND ')} ORDER BY seq ${order} LIMIT ?`).all(...args, limit + 1) as {
      json: string;
    }[];
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit).map((r) => JSON.parse(r.json) as T);
    if (order === 'ASC') page.reverse();
    return { data: page, hasMore };
  }

  all<T extends StoredObject>(type: T['object']): T[] {
    const rows = this.db.prepare('SELECT json FROM objects WHERE type = ? ORDER BY seq').all(type) as { json: string }[];
    return rows.map((r) => JSON.parse(r.json) as T);
  }

  getIdempotency(scope: string, key: string): IdempotencyRecord | undefined {
    const row = this.db
      .prepare('SELECT fingerprint, status, body, request_id AS requestId, created FROM idempotency_keys WHERE scope = ? AND key = ?')
      .get(scope, key) as IdempotencyRecord | undefined;
    return row;
  }

  saveIdempotency(scope: string, key: string, record: IdempotencyRecord): void {
    this.db
      .prepare('INSERT OR REPLACE INTO idempotency_keys (scope, key, fingerprint, status, body, request_id, created) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(scope, key, record.fingerprint, record.status, record.body, record.requestId, record.created);
  }

  pruneIdempotency(olderThanSeconds: number): void {
    this.db.prepare('DELETE FROM idempotency_keys WHERE created < ?').run(olderThanSeconds);
  }

  /** Uncaptured authorizations and when they lapse (indexed, so the per-request sweep costs one lookup). */
  setCaptureDeadline(intent: string, captureBefore: number | null): void {
    if (captureBefore === null) this.db.prepare('DELETE FROM capture_deadlines WHERE intent = ?').run(intent);
    else this.db.prepare('INSERT OR REPLACE INTO capture_deadlines (intent, capture_before) VALUES (?, ?)').run(intent, captureBefore);
  }

  dueCaptureDeadlines(now: number): string[] {
    const rows = this.db.prepare('SELECT intent FROM capture_deadlines WHERE capture_before <= ? ORDER BY capture_before LIMIT 100').all(now) as {
      intent: string;
    }[];
    return rows.map((r) => r.intent);
  }

  reset(): void {
    this.db.exec('DELETE FROM objects; DELETE FROM idempotency_keys; DELETE FROM capture_deadlines;');
  }
}
