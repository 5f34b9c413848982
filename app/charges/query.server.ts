import { and, eq, gte, inArray, lte, type SQL, sql } from 'drizzle-orm';

import { AUTH_REQUIRED_SQL } from '~/payments/decline-messages';
import { getDb } from '~/platform/db.server';
import { likePattern } from '~/platform/db.server';
import { DAY_MS } from '~/platform/utc-day';

import { invoices, paymentAttempts } from '../../db/schema';
import type { ChargeFilter } from './filter.server';
import { AUTHENTICATION_REQUIRED_FILTER } from './filter-choices';

// ——— the filter as SQL ———
export function dayStart(day: string) {
  return Date.parse(`${day}T00:00:00Z`);
}

const a = paymentAttempts;

/**
 * "Authentication required", spelled exactly as the design defines it. Literal SQL on purpose: it matches the
 * partial index payment_attempts_auth_created_idx word for word, which SQLite needs to use that index.
 */

export function authenticationRequiredCondition(): SQL {
  return sql.raw(AUTH_REQUIRED_SQL);
}

function codeCondition(code: string): SQL {
  if (code === AUTHENTICATION_REQUIRED_FILTER) return authenticationRequiredCondition();
  // Same expression as payment_attempts_code_created_idx, so the page is an ordered index range.
  return sql`coalesce(${a.declineCode}, ${a.failureCode}) = ${code}`;
}

/** Invoice numbers look like INV-1234: such a query is an exact, indexed lookup instead of a substring scan. */
const INVOICE_NUMBER_QUERY = /^(?:inv-?)?(\d{1,12})$/i;

/** The trigram index (invoices_search, migration 0010) answers substrings of three characters or more. */
const TRIGRAM = 3;

function textCondition(q: string): SQL {
  const number = INVOICE_NUMBER_QUERY.exec(q);
  if (number) {
    return inArray(
      a.invoiceId,
      getDb()
        .select({ id: invoices.id })
        .from(invoices)
        .where(eq(invoices.number, `INV-${number[1]}`)),
    );
  }
  if ([...q].length >= TRIGRAM) {
    // One quoted phrase: the text is matched as a substring, never parsed as FTS query syntax.
    const phrase = `"${q.replace(/"/g, '""')}"`;
    return sql`${a.invoiceId} in (select rowid from invoices_search where invoices_search match ${phrase})`;
  }
  // One or two characters: too short for trigrams, so a scan (short queries match a lot and fill a page fast).
  const pattern = likePattern(q);
  return inArray(
    a.invoiceId,
    getDb()
      .select({ id: invoices.id })
      .from(invoices)
      .where(sql`(${invoices.number} like ${pattern} escape '\\' or ${invoices.customerName} like ${pattern} escape '\\')`),
  );
}

/** Every filter as one SQL condition over payment_attempts (no join needed: text search is a subquery). */
export function chargeFilterCondition(filter: ChargeFilter): SQL | undefined {
  const conditions: (SQL | undefined)[] = [
    filter.from ? gte(a.createdAt, dayStart(filter.from)) : undefined,
    filter.to ? sql`${a.createdAt} < ${dayStart(filter.to) + DAY_MS}` : undefined,
    filter.status ? eq(a.status, filter.status) : undefined,
    filter.code ? codeCondition(filter.code) : undefined,
    filter.userId ? eq(a.userId, filter.userId) : undefined,
    filter.currency ? eq(a.currency, filter.currency) : undefined,
    filter.brand ? eq(a.cardBrand, filter.brand) : undefined,
    filter.last4 ? eq(a.cardLast4, filter.last4) : undefined,
    filter.minAmount !== undefined ? gte(a.amount, filter.minAmount) : undefined,
    filter.maxAmount !== undefined ? lte(a.amount, filter.maxAmount) : undefined,
    filter.q ? textCondition(filter.q) : undefined,
  ];
  return and(...conditions.filter(Boolean));
}

// ——— the list: keyset pagination on (created_at, id), newest first ———

type CursorKey = { createdAt: number; id: number };
type Cursor = CursorKey & { direction: 'next' | 'prev' };

/** Opaque to the browser; the server validates it like any other input. */
export function encodeCursor(cursor: Cursor) {
  return Buffer.from(`${cursor.direction === 'next' ? 'n' : 'p'}.${cursor.createdAt}.${cursor.id}`).toString('base64url');
}

export function decodeCursor(value: string | null | undefined): Cursor | null {
  if (!value || value.length > 64) return null;
  const match = /^([np])\.(\d{1,15})\.(\d{1,15})$/.exec(Buffer.from(value, 'base64url').toString('latin1'));
  if (!match) return null;
  return { direction: match[1] === 'n' ? 'next' : 'prev', createdAt: Number(match[2]), id: Number(match[3]) };
}
