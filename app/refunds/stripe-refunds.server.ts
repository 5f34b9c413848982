import { and, asc, eq, inArray, isNull, like, sql } from 'drizzle-orm';
import type Stripe from 'stripe';

import { audit } from '~/platform/audit.server';
import { type Db, getDb, type Tx } from '~/platform/db.server';

import { invoices, paymentAttempts, refunds } from '../../db/schema';

/** The idempotency key a refund made outside Keyed is stored under (its own key is Stripe's refund id). */
export function stripeRefundKey(stripeRefundId: string) {
  return `stripe:${stripeRefundId}`;
}

/** Money already gone or on its way back: refunds that succeeded plus those still waiting for Stripe. */
export function reservedAmount(tx: Pick<Db, 'select'>, attemptId: number) {
  const row = tx
    .select({ n: sql<number>`coalesce(sum(${refunds.amount}), 0)` })
    .from(refunds)
    .where(and(eq(refunds.attemptId, attemptId), inArray(refunds.status, ['pending', 'succeeded'])))
    .get();
  return Number(row?.n ?? 0);
}

// ——— Stripe's view of refunds: API answers and webhooks, deduplicated by stripe_refund_id ———

type StripeRefundStatus = 'pending' | 'succeeded' | 'failed';

function mapStatus(status: string | null): StripeRefundStatus {
  if (status === 'succeeded') return 'succeeded';
  if (status === 'failed' || status === 'canceled') return 'failed';
  return 'pending';
}

export function objectId(value: string | { id: string } | null | undefined) {
  return typeof value === 'string' ? value : (value?.id ?? null);
}

/** The attempt a Stripe charge or payment intent belongs to, or null when it is not Keyed's. */
export function attemptForStripe(ids: { chargeId?: string | null; paymentIntentId?: string | null }, tx: Pick<Db, 'select'> = getDb()) {
  const columns = {
    id: paymentAttempts.id,
    amount: paymentAttempts.amount,
    currency: paymentAttempts.currency,
    invoiceId: paymentAttempts.invoiceId,
    status: paymentAttempts.status,
  };
  if (ids.chargeId) {
    const byCharge = tx.select(columns).from(paymentAttempts).where(eq(paymentAttempts.stripeChargeId, ids.chargeId)).get();
    if (byCharge) return byCharge;
  }
  if (ids.paymentIntentId) {
    return (
      tx
        .select(columns)
        .from(paymentAttempts)
        .where(and(eq(paymentAttempts.stripePaymentIntentId, ids.paymentIntentId), eq(paymentAttempts.status, 'succeeded')))
        .get() ?? null
    );
  }
  return null;
}

export type RefundSource = 'api' | 'webhook';

/**
 * Records a Stripe Refund object: ours (found by id or by the refund_id we put in its metadata) moves forward;
 * one made outside Keyed (Stripe Dashboard, API) is added once. Then the charge's and invoice's totals follow.
 */
export function recordStripeRefund(refund: Stripe.Refund, source: RefundSource) {
  getDb().transaction(
    (tx) => {
      const status = mapStatus(refund.status ?? null);
      const ours = findRefundRow(tx, refund);
      if (ours) {
        const next = ours.status === 'failed' ? 'failed' : status === 'pending' && ours.status === 'succeeded' ? 'succeeded' : status;
        if (ours.stripeRefundId === refund.id && ours.status === next) return;
        tx.update(refunds).set({ stripeRefundId: refund.id, status: next }).where(eq(refunds.id, ours.id)).run();
        if (next !== ours.status) {
          audit(
            {
              actorUserId: ours.userId,
              action: `refund.${next}`,
              subjectType: 'payment_attempt',
              subjectId: ours.attemptId,
              details: { refundId: ours.id, amount: ours.amount, currency: ours.currency, stripeRefund: refund.id, source },
            },
            tx,
          );
        }
        applyRefundTotals(tx, ours.attemptId);
        return;
      }
      const attempt = attemptForStripe({ chargeId: objectId(refund.charge), paymentIntentId: objectId(refund.payment_intent) }, tx);
      if (!attempt) return;
      const inserted = tx
        .insert(refunds)
        .values({
          attemptId: attempt.id,
          userId: null,
          idempotencyKey: stripeRefundKey(refund.id),
          amount: refund.amount,
          currency: attempt.currency,
          reason: refund.reason ?? null,
          status,
          stripeRefundId: refund.id,
          createdAt: (refund.created ?? Math.floor(Date.now() / 1000)) * 1000,
        })
        .onConflictDoNothing()
        .returning({ id: refunds.id })
        .get();
      if (!inserted) return;
      consumeGapRows(tx, attempt.id, refund.amount);
      audit(
        {
          actorUserId: null,
          action: 'refund.recorded',
          subjectType: 'payment_attempt',
          subjectId: attempt.id,
          details: { refundId: inserted.id, amount: refund.amount, currency: attempt.currency, stripeRefund: refund.id, source, outsideKeyed: true },
        },
        tx,
      );
      applyRefundTotals(tx, attempt.id);
    },
    { behavior: 'immediate' },
  );
}

function findRefundRow(tx: Pick<Db, 'select'>, refund: Stripe.Refund) {
  const byId = tx.select().from(refunds).where(eq(refunds.stripeRefundId, refund.id)).get();
  if (byId) return byId;
  const ourId = Number(refund.metadata?.refund_id);
  if (!Number.isSafeInteger(ourId) || ourId < 1) return null;
  const byMetadata = tx
    .select()
    .from(refunds)
    .where(and(eq(refunds.id, ourId), isNull(refunds.stripeRefundId)))
    .get();
  // Our metadata, but check it: same money on the same charge.
  return byMetadata && byMetadata.amount === refund.amount ? byMetadata : null;
}

const GAP_KEY_PREFIX = 'stripe-gap:';

/**
 * A `charge.refunded` that reports more refunded money than Keyed knows of (its Refund objects not seen yet)
 * is recorded as placeholder rows; a Refund, when it arrives, uses up placeholders oldest first (across
 * several if it must) by its own amount, so the same money is never counted twice.
 */
function consumeGapRows(tx: Tx, attemptId: number, amount: number) {
  const gaps = tx
    .select({ id: refunds.id, amount: refunds.amount })
    .from(refunds)
    .where(
      and(
        eq(refunds.attemptId, attemptId),
        isNull(refunds.stripeRefundId),
        like(refunds.idempotencyKey, `${GAP_KEY_PREFIX}%`),
        eq(refunds.status, 'succeeded'),
      ),
    )
    .orderBy(asc(refunds.id))
    .all();
  let left = amount;
  for (const gap of gaps) {
    if (left <= 0) break;
    const take = Math.min(gap.amount, left);
    left -= take;
    if (take === gap.amount) tx.delete(refunds).where(eq(refunds.id, gap.id)).run();
    else
      tx.update(refunds)
        .set({ amount: gap.amount - take })
        .where(eq(refunds.id, gap.id))
        .run();
  }
}

/** `charge.refunded`: Refund objects it carries are recorded; money Keyed cannot attribute yet becomes a placeholder. */
export function recordChargeRefunded(charge: Stripe.Charge) {
  for (const refund of charge.refunds?.data ?? []) recordStripeRefund(refund, 'webhook');
  getDb().transaction(
    (tx) => {
      const attempt = attemptForStripe({ chargeId: charge.id, paymentIntentId: objectId(charge.payment_intent) }, tx);
      if (!attempt) return;
      const gap = Math.min(charge.amount_refunded, attempt.amount) - reservedAmount(tx, attempt.id);
      if (gap <= 0) return;
      const inserted = tx
        .insert(refunds)
        .values({
          attemptId: attempt.id,
          userId: null,
          idempotencyKey: `${GAP_KEY_PREFIX}${charge.id}:${charge.amount_refunded}`,
          amount: gap,
          currency: attempt.currency,
          reason: null,
          status: 'succeeded',
          createdAt: Date.now(),
        })
        .onConflictDoNothing()
        .returning({ id: refunds.id })
        .get();
      if (!inserted) return;
      audit(
        {
          actorUserId: null,
          action: 'refund.recorded',
          subjectType: 'payment_attempt',
          subjectId: attempt.id,
          details: { refundId: inserted.id, amount: gap, currency: attempt.currency, stripeCharge: charge.id, source: 'webhook', outsideKeyed: true },
        },
        tx,
      );
      applyRefundTotals(tx, attempt.id);
    },
    { behavior: 'immediate' },
  );
}

/** The charge's and invoice's refunded amounts are the sum of succeeded refunds; the invoice status follows. */
export function applyRefundTotals(tx: Tx, attemptId: number) {
  const attempt = tx
    .select({ amount: paymentAttempts.amount, invoiceId: paymentAttempts.invoiceId })
    .from(paymentAttempts)
    .where(eq(paymentAttempts.id, attemptId))
    .get()!;
  const refunded = Math.min(
    attempt.amount,
    Number(
      tx
        .select({ n: sql<number>`coalesce(sum(${refunds.amount}), 0)` })
        .from(refunds)
        .where(and(eq(refunds.attemptId, attemptId), eq(refunds.status, 'succeeded')))
        .get()?.n ?? 0,
    ),
  );
  tx.update(paymentAttempts).set({ amountRefunded: refunded }).where(eq(paymentAttempts.id, attemptId)).run();
  const invoice = tx.select({ amount: invoices.amount, status: invoices.status }).from(invoices).where(eq(invoices.id, attempt.invoiceId)).get()!;
  if (!['paid', 'partially_refunded', 'refunded'].includes(invoice.status)) return;
  const amountRefunded = Math.min(invoice.amount, refunded);
  const status = amountRefunded === 0 ? 'paid' : amountRefunded >= invoice.amount ? 'refunded' : 'partially_refunded';
  tx.update(invoices).set({ amountRefunded, status, updatedAt: Date.now() }).where(eq(invoices.id, attempt.invoiceId)).run();
}
