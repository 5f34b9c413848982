import { stringify } from 'csv-stringify/sync';
import { and, desc, eq, fillPlaceholders, sql } from 'drizzle-orm';

import { audit } from '~/platform/audit.server';
import { getDb, getSqlite } from '~/platform/db.server';
import { minorToDecimal } from '~/platform/money';

import { invoices, paymentAttempts, users } from '../../db/schema';
import type { ChargeFilter } from './filter.server';
import { chargeFilterCondition } from './query.server';

const a = paymentAttempts;

/** Columns of the export, in order: header name → value. Times ISO-8601 UTC, amounts decimal strings beside a currency. */
const COLUMNS = [
  'created_at',
  'charge_id',
  'status',
  'amount',
  'amount_refunded',
  'currency',
  'invoice_number',
  'customer_name',
  'staff',
  'card_brand',
  'card_last4',
  'failure_code',
  'decline_code',
  'disputed',
  'stripe_payment_intent',
  'stripe_charge',
  'settled_at',
] as const;

/** One row as SQLite hands it over (raw arrays: no object per row at a million rows). */
type ExportRow = [
  id: number,
  createdAt: number,
  status: string,
  amount: number,
  amountRefunded: number,
  currency: string,
  invoiceNumber: string,
  customerName: string,
  staffName: string,
  cardBrand: string | null,
  cardLast4: string | null,
  failureCode: string | null,
  declineCode: string | null,
  disputed: number,
  stripePaymentIntentId: string | null,
  stripeChargeId: string | null,
  settledAt: number | null,
];

function toRecord(row: ExportRow): string[] {
  const [
    id,
    createdAt,
    status,
    amount,
    amountRefunded,
    currency,
    invoiceNumber,
    customerName,
    staffName,
    brand,
    last4,
    failureCode,
    declineCode,
    disputed,
    pi,
    ch,
    settledAt,
  ] = row;
  return [
    new Date(createdAt).toISOString(),
    String(id),
    status,
    minorToDecimal(amount),
    minorToDecimal(amountRefunded),
    currency.toUpperCase(),
    invoiceNumber,
    customerName,
    staffName,
    brand ?? '',
    last4 ?? '',
    failureCode ?? '',
    declineCode ?? '',
    disputed ? 'yes' : 'no',
    pi ?? '',
    ch ?? '',
    settledAt === null ? '' : new Date(settledAt).toISOString(),
  ];
}

/**
 * csv-stringify quotes what needs quoting and, with escape_formulas, prefixes a single quote to cells that
 * start with = + - @ tab or CR, so a customer named "=HYPERLINK(…)" stays text in a spreadsheet.
 */
export function csvChunk(records: string[][], { header }: { header: boolean }) {
  // quoted_match: csv-stringify quotes on its own record delimiter (CRLF) only; a bare LF or CR inside a cell must be quoted too.
  return stringify(records, {
    header,
    columns: header ? [...COLUMNS] : undefined,
    escape_formulas: true,
    bom: header,
    record_delimiter: 'windows',
    quoted_match: /[\r\n]/,
  });
}

/** Rows per query: big enough to be quick, small enough that other requests run between batches. */
export const EXPORT_BATCH_SIZE = 5000;

/**
 * One prepared statement per export, fed a keyset cursor per batch. Built with drizzle (so the filter is the
 * list's own condition) and run raw, in the COLUMNS order.
 */
function exportBatches(filter: ChargeFilter) {
  const query = getDb()
    .select({
      id: a.id,
      createdAt: a.createdAt,
      status: a.status,
      amount: a.amount,
      amountRefunded: a.amountRefunded,
      currency: a.currency,
      invoiceNumber: invoices.number,
      customerName: invoices.customerName,
      staffName: users.name,
      cardBrand: a.cardBrand,
      cardLast4: a.cardLast4,
      failureCode: a.failureCode,
      declineCode: a.declineCode,
      disputed: sql<number>`${a.stripeDisputeId} is not null`,
      stripePaymentIntentId: a.stripePaymentIntentId,
      stripeChargeId: a.stripeChargeId,
      settledAt: a.settledAt,
    })
    .from(a)
    .innerJoin(invoices, eq(invoices.id, a.invoiceId))
    .innerJoin(users, eq(users.id, a.userId))
    .where(and(chargeFilterCondition(filter), sql`(${a.createdAt}, ${a.id}) < (${sql.placeholder('createdAt')}, ${sql.placeholder('id')})`))
    .orderBy(desc(a.createdAt), desc(a.id))
    .limit(sql.placeholder('limit'))
    .toSQL();
  const statement = getSqlite().prepare(query.sql).raw();
  return (after: { createdAt: number; id: number }) => statement.all(...fillPlaceholders(query.params, { ...after, limit: EXPORT_BATCH_SIZE })) as ExportRow[];
}

/**
 * The filtered charges as CSV, newest first, produced only as fast as the client reads it: each pull reads
 * one keyset batch (no long-lived statement holding the shared connection), so memory stays flat at any size.
 * Charges that arrive during the download are newer than the first batch and are not included.
 */
export function chargesCsvStream(filter: ChargeFilter): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const batch = exportBatches(filter);
  let after = { createdAt: Number.MAX_SAFE_INTEGER, id: Number.MAX_SAFE_INTEGER };
  let first = true;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const rows = batch(after);
        if (rows.length > 0 || first) controller.enqueue(encoder.encode(csvChunk(rows.map(toRecord), { header: first })));
        first = false;
        if (rows.length < EXPORT_BATCH_SIZE) {
          controller.close();
          return;
        }
        const last = rows[rows.length - 1]!;
        after = { createdAt: last[1], id: last[0] };
      },
    },
    // One batch (~1 MB of CSV) buffered ahead at most.
    { highWaterMark: 1 },
  );
}

export function exportFilename(now = new Date()) {
  return `keyed-charges-${now.toISOString().slice(0, 10)}.csv`;
}

/** The whole answer for a resource route: audited (the filter only, no personal data), streamed, not cached. */
export function chargesCsvResponse({ filter }: { filter: ChargeFilter }, actor: { id: number; ip?: string | null }) {
  // The filter's shape, not its free text or card digits: the audit log holds no personal data.
  const { q, last4, ...described } = filter;
  audit({
    actorUserId: actor.id,
    action: 'charges.exported',
    ip: actor.ip,
    details: { ...described, q: q ? 'set' : undefined, last4: last4 ? 'set' : undefined },
  });
  return new Response(chargesCsvStream(filter), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${exportFilename()}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
