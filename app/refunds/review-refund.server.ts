import { eq } from 'drizzle-orm';

import { getDb } from '~/platform/db.server';
import { can } from '~/platform/permissions';

import { type Currency, invoices, paymentAttempts } from '../../db/schema';
import type { RefundActor } from './refund-charge.server';
import { checkRefund, type RefundCheckRefusal } from './refund-rules.server';

export type RefundReview = {
  ok: true;
  amount: number;
  currency: Currency;
  /** Above the approval threshold for this person: the refund can only be submitted for a manager's approval. */
  needsApproval: boolean;
  threshold: number;
  recentDuplicate: { at: number } | null;
  card: { brand: string | null; last4: string | null };
  customerName: string;
};

/**
 * The confirmation step before any refund: what exactly would be sent, to which card and customer, and whether
 * it needs a manager or repeats a refund made minutes ago. Writes nothing; refundCharge checks everything again.
 */
export function reviewRefund(
  input: { attemptId: number; amount?: number },
  actor: RefundActor,
): RefundReview | { ok: false; reason: 'forbidden' | RefundCheckRefusal; params?: { remaining: number } } {
  if (!can(actor.role, 'refund:create')) return { ok: false, reason: 'forbidden' };
  const db = getDb();
  const check = checkRefund(db, input);
  if (!check.ok) return check;
  const charge = db
    .select({ brand: paymentAttempts.cardBrand, last4: paymentAttempts.cardLast4, customerName: invoices.customerName })
    .from(paymentAttempts)
    .innerJoin(invoices, eq(invoices.id, paymentAttempts.invoiceId))
    .where(eq(paymentAttempts.id, input.attemptId))
    .get()!;
  return {
    ok: true,
    amount: check.amount,
    currency: check.currency,
    needsApproval: check.overThreshold && !can(actor.role, 'refund:approve-large'),
    threshold: check.threshold,
    recentDuplicate: check.recentDuplicate,
    card: { brand: charge.brand, last4: charge.last4 },
    customerName: charge.customerName,
  };
}
