import { randomUUID } from 'node:crypto';

import { and, desc, eq, like, or, type SQL, sql } from 'drizzle-orm';

import { attemptSummaryColumns } from '~/payments/attempts.server';
import { audit } from '~/platform/audit.server';
import { getDb, likePattern } from '~/platform/db.server';
import { seesEveryonesAttempts } from '~/platform/permissions';
import { searchText } from '~/platform/search-text';

import { INVOICE_STATUSES, invoices, type InvoiceStatus, paymentAttempts, type Role } from '../../db/schema';
import type { InvoiceInput } from './invoice-form';

export const INVOICE_PAGE_SIZE = 25;

export type InvoiceFilter = { q?: string; status?: InvoiceStatus; page?: number };

export function parseInvoiceFilter(params: URLSearchParams): Required<Pick<InvoiceFilter, 'page'>> & InvoiceFilter {
  const q = searchText(params.get('q'));
  const statusParam = params.get('status');
  const status = INVOICE_STATUSES.find((s) => s === statusParam);
  const page = Math.max(1, Math.min(10_000, Number.parseInt(params.get('page') ?? '1', 10) || 1));
  return { q, status, page };
}

export function listInvoices({ q, status, page = 1 }: InvoiceFilter) {
  const conditions: SQL[] = [];
  if (status) conditions.push(eq(invoices.status, status));
  if (q) {
    const pattern = likePattern(q);
    const digits = q.replace(/\D/g, '');
    const matches = [
      sql`${invoices.number} like ${pattern} escape '\\'`,
      sql`${invoices.customerName} like ${pattern} escape '\\'`,
      sql`${invoices.customerEmail} like ${pattern} escape '\\'`,
      sql`${invoices.customerPhone} like ${pattern} escape '\\'`,
    ];
    // "555 0134" finds "+1 (416) 555-0134": compare phone digits only.
    if (digits.length >= 3) {
      matches.push(
        like(sql`replace(replace(replace(replace(replace(${invoices.customerPhone}, ' ', ''), '-', ''), '(', ''), ')', ''), '+', '')`, `%${digits}%`),
      );
    }
    conditions.push(or(...matches)!);
  }
  const where = conditions.length ? and(...conditions) : undefined;
  const db = getDb();
  const rows = db
    .select({
      id: invoices.id,
      number: invoices.number,
      customerName: invoices.customerName,
      customerEmail: invoices.customerEmail,
      amount: invoices.amount,
      currency: invoices.currency,
      status: invoices.status,
      createdAt: invoices.createdAt,
    })
    .from(invoices)
    .where(where)
    .orderBy(desc(invoices.createdAt), desc(invoices.id))
    .limit(INVOICE_PAGE_SIZE)
    .offset((page - 1) * INVOICE_PAGE_SIZE)
    .all();
  const total =
    db
      .select({ n: sql<number>`count(*)` })
      .from(invoices)
      .where(where)
      .get()?.n ?? 0;
  return { rows, total, page, pageCount: Math.max(1, Math.ceil(total / INVOICE_PAGE_SIZE)) };
}

export function getInvoice({ id }: { id: number }) {
  return getDb().select().from(invoices).where(eq(invoices.id, id)).get() ?? null;
}

/** The invoice's attempts that the viewer may see (canSeeAttemptsOf): staff their own, finance and managers all. */
export function listAttemptsForInvoice({ invoiceId, viewer }: { invoiceId: number; viewer: { id: number; role: Role } }) {
  const everyone = seesEveryonesAttempts(viewer.role);
  return getDb()
    .select(attemptSummaryColumns)
    .from(paymentAttempts)
    .where(and(eq(paymentAttempts.invoiceId, invoiceId), everyone ? undefined : eq(paymentAttempts.userId, viewer.id)))
    .orderBy(desc(paymentAttempts.createdAt), desc(paymentAttempts.id))
    .all();
}

/** Invoice numbers are INV-(1000 + id): derived from the row's own id, so two creators can never collide. */
export function invoiceNumberFor(id: number) {
  return `INV-${1000 + id}`;
}

export function createInvoice(input: InvoiceInput, actor: { id: number; ip?: string | null }) {
  const db = getDb();
  return db.transaction(
    (tx) => {
      const now = Date.now();
      const { id } = tx
        .insert(invoices)
        .values({ ...input, number: `pending-${randomUUID()}`, status: 'open', createdByUserId: actor.id, createdAt: now, updatedAt: now })
        .returning({ id: invoices.id })
        .get();
      const number = invoiceNumberFor(id);
      tx.update(invoices).set({ number }).where(eq(invoices.id, id)).run();
      audit(
        {
          actorUserId: actor.id,
          action: 'invoice.created',
          subjectType: 'invoice',
          subjectId: id,
          ip: actor.ip,
          details: { number, amount: input.amount, currency: input.currency },
        },
        tx,
      );
      return { id, number };
    },
    { behavior: 'immediate' },
  );
}

export type VoidResult = { ok: true } | { ok: false; reason: 'not_found' | 'not_open'; status?: InvoiceStatus };

/** Only an open invoice can be voided: one being charged, paid or refunded has money attached to it. */
export function voidInvoice({ id }: { id: number }, actor: { id: number; ip?: string | null }): VoidResult {
  const db = getDb();
  return db.transaction(
    (tx) => {
      const invoice = tx.select({ status: invoices.status }).from(invoices).where(eq(invoices.id, id)).get();
      if (!invoice) return { ok: false, reason: 'not_found' } as const;
      if (invoice.status !== 'open') return { ok: false, reason: 'not_open', status: invoice.status } as const;
      const now = Date.now();
      tx.update(invoices)
        .set({ status: 'void', voidedAt: now, updatedAt: now })
        .where(and(eq(invoices.id, id), eq(invoices.status, 'open')))
        .run();
      audit({ actorUserId: actor.id, action: 'invoice.voided', subjectType: 'invoice', subjectId: id, ip: actor.ip }, tx);
      return { ok: true } as const;
    },
    { behavior: 'immediate' },
  );
}

export function countInvoicesByStatus() {
  return getDb()
    .select({ status: invoices.status, n: sql<number>`count(*)`, amount: sql<number>`sum(${invoices.amount})`, currency: invoices.currency })
    .from(invoices)
    .groupBy(invoices.status, invoices.currency)
    .all();
}
