import { and, asc, desc, eq, sql } from 'drizzle-orm';

import { getDb } from '~/platform/db.server';

import { type AttemptStatus, type Currency, invoices, users } from '../../db/schema';
import { paymentAttempts } from '../../db/schema';
import type { ChargeFilter } from './filter.server';
import { chargeFilterCondition, decodeCursor, encodeCursor } from './query.server';

const a = paymentAttempts;

export const CHARGES_PAGE_SIZE = 50;

const listColumns = {
  id: a.id,
  createdAt: a.createdAt,
  status: a.status,
  amount: a.amount,
  currency: a.currency,
  amountRefunded: a.amountRefunded,
  failureCode: a.failureCode,
  declineCode: a.declineCode,
  cardBrand: a.cardBrand,
  cardLast4: a.cardLast4,
  disputed: sql<number>`${a.stripeDisputeId} is not null`.mapWith(Boolean),
  invoiceId: a.invoiceId,
  invoiceNumber: invoices.number,
  customerName: invoices.customerName,
  userId: a.userId,
  staffName: users.name,
};

export type ChargeRow = {
  id: number;
  createdAt: number;
  status: AttemptStatus;
  amount: number;
  currency: Currency;
  amountRefunded: number;
  failureCode: string | null;
  declineCode: string | null;
  cardBrand: string | null;
  cardLast4: string | null;
  disputed: boolean;
  invoiceId: number;
  invoiceNumber: string;
  customerName: string;
  userId: number;
  staffName: string;
};

export type ChargePage = {
  rows: ChargeRow[];
  /** Pass back as `cursor` for older charges; null on the last page. */
  nextCursor: string | null;
  /** Pass back as `cursor` for newer charges; null on the newest page. */
  prevCursor: string | null;
};

/**
 * One page of charges, newest first. The cursor names the last (or first) row seen, so charges that arrive
 * meanwhile land before page one and never shift a later page: nothing is skipped or shown twice.
 */
export function listCharges({ filter, cursor, limit = CHARGES_PAGE_SIZE }: { filter: ChargeFilter; cursor?: string | null; limit?: number }): ChargePage {
  const size = Math.min(Math.max(1, Math.floor(limit)), 200);
  const at = decodeCursor(cursor);
  const keyset = at
    ? at.direction === 'next'
      ? sql`(${a.createdAt}, ${a.id}) < (${at.createdAt}, ${at.id})`
      : sql`(${a.createdAt}, ${a.id}) > (${at.createdAt}, ${at.id})`
    : undefined;
  const backwards = at?.direction === 'prev';
  const fetched = getDb()
    .select(listColumns)
    .from(a)
    .innerJoin(invoices, eq(invoices.id, a.invoiceId))
    .innerJoin(users, eq(users.id, a.userId))
    .where(and(chargeFilterCondition(filter), keyset))
    .orderBy(...(backwards ? [asc(a.createdAt), asc(a.id)] : [desc(a.createdAt), desc(a.id)]))
    .limit(size + 1)
    .all() as ChargeRow[];
  const more = fetched.length > size;
  const rows = fetched.slice(0, size);
  if (backwards) rows.reverse();
  const first = rows[0];
  const last = rows[rows.length - 1];
  // Going back, `more` means newer rows exist; the page we came from is always older.
  const hasNewer = backwards ? more : at !== null;
  const hasOlder = backwards ? true : more;
  return {
    rows,
    nextCursor: hasOlder && last ? encodeCursor({ direction: 'next', createdAt: last.createdAt, id: last.id }) : null,
    prevCursor: hasNewer && first ? encodeCursor({ direction: 'prev', createdAt: first.createdAt, id: first.id }) : null,
  };
}
