import type Database from 'better-sqlite3';

import type { Currency } from '../db/schema';

// ——— bulk insertion ———

/**
 * Maintaining a dozen secondary indexes row by row (several on random keys: idempotency keys, Stripe ids,
 * last 4) costs more than building each once afterwards from a sort, which SQLite can spread over
 * worker threads. The definitions come from sqlite_master, so this never drifts from the migrations.
 */
export function withoutSecondaryIndexes(sqlite: Database.Database, tables: string[], run: () => void) {
  const placeholders = tables.map(() => '?').join(', ');
  const indexes = sqlite
    .prepare<string[], { name: string; sql: string }>(
      `select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (${placeholders})`,
    )
    .all(...tables);
  // The invoice search index is kept by triggers; like the indexes, it is rebuilt once at the end.
  const triggers = sqlite
    .prepare<[], { name: string; sql: string }>(
      "select name, sql from sqlite_master where type = 'trigger' and tbl_name = 'invoices' and name like 'invoices_search_%'",
    )
    .all();
  for (const index of indexes) sqlite.exec(`drop index "${index.name}"`);
  for (const trigger of triggers) sqlite.exec(`drop trigger "${trigger.name}"`);
  run();
  const threads = sqlite.pragma('threads', { simple: true });
  sqlite.pragma('threads = 4');
  for (const index of indexes) sqlite.exec(index.sql);
  sqlite.pragma(`threads = ${Number(threads)}`);
  for (const trigger of triggers) sqlite.exec(trigger.sql);
  if (triggers.length > 0) sqlite.exec("insert into invoices_search (invoices_search) values ('rebuild')");
}

/**
 * Multi-row INSERTs with positional parameters: one statement per ROWS_PER_STATEMENT rows costs far less
 * than one per row. Rows are buffered and written in order; call flush() at the end.
 */
export const ROWS_PER_STATEMENT = 50;

export function batchedInsert(sqlite: Database.Database, table: string, columns: string[]) {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const statement = (rows: number) =>
    sqlite.prepare(`insert into ${table} (${columns.join(', ')}) values ${Array.from({ length: rows }, () => tuple).join(', ')}`);
  const full = statement(ROWS_PER_STATEMENT);
  let buffer: unknown[] = [];
  let buffered = 0;
  return {
    add(...values: unknown[]) {
      for (const v of values) buffer.push(v);
      if (++buffered === ROWS_PER_STATEMENT) {
        full.run(buffer);
        buffer = [];
        buffered = 0;
      }
    },
    flush() {
      if (buffered > 0) statement(buffered).run(buffer);
      buffer = [];
      buffered = 0;
    },
  };
}

export type AttemptRow = {
  invoiceId: number;
  userId: number;
  key: string;
  amount: number;
  currency: Currency;
  status: 'succeeded' | 'failed' | 'blocked';
  pm: string;
  email: string | null;
  pi: string | null;
  ch: string | null;
  brand: string;
  last4: string;
  country: string;
  expMonth: number;
  expYear: number;
  funding: string;
  failureCode: string | null;
  declineCode: string | null;
  failureMessage: string | null;
  amountRefunded: number;
  createdAt: number;
  settledAt: number;
  refunds: { id: string; key: string; amount: number; createdAt: number; reason: string | null; userId: number | null }[];
};

export type InvoiceRow = {
  id: number;
  number: string;
  customerName: string;
  email: string | null;
  phone: string | null;
  description: string;
  amount: number;
  currency: Currency;
  status: string;
  amountRefunded: number;
  createdBy: number;
  createdAt: number;
  paidAt: number | null;
  voidedAt: number | null;
};
