import { and, desc, eq, gte, sql } from 'drizzle-orm';

import { getDb, likePattern } from '~/platform/db.server';

import { invoices, paymentAttempts } from '../../db/schema';

// Reads for the terminal and the invoice page: the invoice to charge, open invoices, attempts.

export function getInvoiceForCharge({ id }: { id: number }) {
  return (
    getDb()
      .select({
        id: invoices.id,
        number: invoices.number,
        customerName: invoices.customerName,
        customerEmail: invoices.customerEmail,
        customerPhone: invoices.customerPhone,
        description: invoices.description,
        amount: invoices.amount,
        currency: invoices.currency,
        status: invoices.status,
      })
      .from(invoices)
      .where(eq(invoices.id, id))
      .get() ?? null
  );
}

export function listChargeableInvoices({ q }: { q?: string }) {
  const pattern = q ? likePattern(q) : null;
  return getDb()
    .select({ id: invoices.id, number: invoices.number, customerName: invoices.customerName, amount: invoices.amount, currency: invoices.currency })
    .from(invoices)
    .where(
      and(
        eq(invoices.status, 'open'),
        pattern
          ? sql`(${invoices.number} like ${pattern} escape '\\' or ${invoices.customerName} like ${pattern} escape '\\' or ${invoices.customerEmail} like ${pattern} escape '\\' or cast(${invoices.amount} / 100 as text) like ${pattern} escape '\\')`
          : undefined,
      ),
    )
    .orderBy(desc(invoices.createdAt), desc(invoices.id))
    .limit(50)
    .all();
}

export function getAttempt({ id }: { id: number }) {
  return (
    getDb()
      .select({
        id: paymentAttempts.id,
        invoiceId: paymentAttempts.invoiceId,
        userId: paymentAttempts.userId,
        status: paymentAttempts.status,
        amount: paymentAttempts.amount,
        currency: paymentAttempts.currency,
        receiptEmail: paymentAttempts.receiptEmail,
        stripePaymentIntentId: paymentAttempts.stripePaymentIntentId,
        cardBrand: paymentAttempts.cardBrand,
        cardLast4: paymentAttempts.cardLast4,
        cardCountry: paymentAttempts.cardCountry,
        failureCode: paymentAttempts.failureCode,
        declineCode: paymentAttempts.declineCode,
        failureMessage: paymentAttempts.failureMessage,
        needsAttentionAt: paymentAttempts.needsAttentionAt,
        createdAt: paymentAttempts.createdAt,
        settledAt: paymentAttempts.settledAt,
      })
      .from(paymentAttempts)
      .where(eq(paymentAttempts.id, id))
      .get() ?? null
  );
}

/** The columns an attempt shows in a short list (an invoice's attempts, my charges today). */
export const attemptSummaryColumns = {
  id: paymentAttempts.id,
  status: paymentAttempts.status,
  amount: paymentAttempts.amount,
  currency: paymentAttempts.currency,
  cardBrand: paymentAttempts.cardBrand,
  cardLast4: paymentAttempts.cardLast4,
  failureCode: paymentAttempts.failureCode,
  declineCode: paymentAttempts.declineCode,
  createdAt: paymentAttempts.createdAt,
};

export function listMyChargesToday({ userId }: { userId: number }) {
  const startOfDay = new Date();
  startOfDay.setUTCHours(0, 0, 0, 0);
  return getDb()
    .select({ ...attemptSummaryColumns, invoiceId: paymentAttempts.invoiceId, invoiceNumber: invoices.number })
    .from(paymentAttempts)
    .innerJoin(invoices, eq(invoices.id, paymentAttempts.invoiceId))
    .where(and(eq(paymentAttempts.userId, userId), gte(paymentAttempts.createdAt, startOfDay.getTime())))
    .orderBy(desc(paymentAttempts.createdAt), desc(paymentAttempts.id))
    .limit(20)
    .all();
}
