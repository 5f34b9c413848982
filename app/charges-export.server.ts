import { stringify } from 'csv-stringify/sync';
import { and, desc, eq, sql } from 'drizzle-orm';
import { invoices, paymentAttempts, users } from '../db/schema';
import { audit } from './audit.server';
import { chargeFilterCondition, type ChargeFilter } from './charges.server';
import { getDb } from './db.server';
import { minorToDecimal } from './money';

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

type ExportRow = {
  id: number;
  createdAt: number;
  settledAt: number | null;
  status: string;
  amount: number;
  amountRefunded: number;
  currency: string;
  invoiceNumber: string;
  customerName: string;
  staffName: string;
  cardBrand: string | null;
  cardLast4: string | null;
  failureCode: string | null;
  declineCode: string | null;
  disputed: number;
  stripePaymentIntentId: string | null;
  stripeChargeId: string | null;
};

function toRecord(row: ExportRow): string[] {
  return [
    new Date(row.createdAt).toISOString(),
    String(row.id),
    row.status,
    minorToDecimal(row.amount),
    minorToDecimal(row.amountRefunded),
    row.currency.toUpperCase(),
    row.invoiceNumber,
    row.customerName,
    row.staffName,
    row.cardBrand ?? '',
    row.cardLast4 ?? '',
    row.failureCode ?? '',
    row.declineCode ?? '',
    row.disputed ? 'yes' : 'no',
    row.stripePaymentIntentId ?? '',
    row.stripeChargeId ?? '',
    row.settledAt === null ? '' : new Date(row.settledAt).toISOString(),
  ];
}

/**
 * csv-stringify quotes what needs quoting and, with escape_formulas, prefixes a single quote to cells that
 * start with = + - @ tab or CR, so a customer named "=HYPERLINK(…)" stays text in a spreadsheet.
 */
export function csvChunk(records: string[][], { header }: { header: boolean }) {
  // quoted_match: csv-stringify quotes on its own record delimiter (CRLF) only; a bare LF or CR inside a cell must be quoted too.
  return stringify(records, { header, columns: header ? [...COLUMNS] : undefined, escape_formulas: true, bom: header, record_delimiter: 'windows', quoted_match: /[\r\n]/ });
}

/** Rows per query: big enough to be quick, small enough that other requests run between batches. */
export const EXPORT_BATCH_SIZE = 2000;

function exportBatch(filter: ChargeFilter, after: { createdAt: number; id: number } | null): ExportRow[] {
  return getDb()
    .select({
      id: a.id,
      createdAt: a.createdAt,
      settledAt: a.settledAt,
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
    })
    .from(a)
    .innerJoin(invoices, eq(invoices.id, a.invoiceId))
    .innerJoin(users, eq(users.id, a.userId))
    .where(and(chargeFilterCondition(filter), after ? sql`(${a.createdAt}, ${a.id}) < (${after.createdAt}, ${after.id})` : undefined))
    .orderBy(desc(a.createdAt), desc(a.id))
    .limit(EXPORT_BATCH_SIZE)
    .all();
}

/**
 * The filtered charges as CSV, newest first, produced only as fast as the client reads it: each pull reads
 * one keyset batch (no long-lived statement holding the shared connection), so memory stays flat at any size.
 * Charges that arrive during the download are newer than the first batch and are not included.
 */
export function chargesCsvStream(filter: ChargeFilter): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after: { createdAt: number; id: number } | null = null;
  let first = true;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const rows = exportBatch(filter, after);
        if (rows.length > 0 || first) controller.enqueue(encoder.encode(csvChunk(rows.map(toRecord), { header: first })));
        first = false;
        if (rows.length < EXPORT_BATCH_SIZE) {
          controller.close();
          return;
        }
        const last = rows[rows.length - 1]!;
        after = { createdAt: last.createdAt, id: last.id };
      },
    },
    // One batch (~300 KB) buffered ahead at most.
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
  audit({ actorUserId: actor.id, action: 'charges.exported', ip: actor.ip, details: { ...described, q: q ? 'set' : undefined, last4: last4 ? 'set' : undefined } });
  return new Response(chargesCsvStream(filter), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${exportFilename()}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
