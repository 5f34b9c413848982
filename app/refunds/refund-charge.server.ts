import { randomBytes } from 'node:crypto';

import { and, eq } from 'drizzle-orm';

import { audit } from '~/platform/audit.server';
import { getDb } from '~/platform/db.server';
import { can } from '~/platform/permissions';
import { getStripe, isStripeError, STRIPE_IDEMPOTENCY_RESEND_WINDOW_MS } from '~/platform/stripe.server';
import { getSettings } from '~/settings/settings.server';

import { type Currency, paymentAttempts, refunds, type Role } from '../../db/schema';
import type { RefundReason } from './refund-reasons';
import { recordStripeRefund, reservedAmount } from './stripe-refunds.server';

export type RefundActor = { id: number; role: Role; ip?: string | null };

export type RefundInput = {
  attemptId: number;
  /** Minor units; omitted means everything that remains. */
  amount?: number;
  reason?: RefundReason | null;
  /** From the refund form (newRefundKey()), so a resubmitted form is the same refund, never a second one. */
  idempotencyKey: string;
};

export type RefundRefusal =
  'forbidden' | 'not_found' | 'not_refundable' | 'disputed' | 'invalid_amount' | 'exceeds_remaining' | 'needs_manager' | 'key_reused' | 'stripe_declined';

/** What a refusal carries for its message: amounts in the charge's minor units, and Stripe's own words when Stripe refused. */
export type RefundRefusalParams = { remaining?: number; threshold?: number; stripeMessage?: string };

export type RefundResult =
  | { ok: true; refundId: number; amount: number; currency: Currency; status: 'succeeded' | 'pending' }
  | { ok: false; reason: RefundRefusal; params?: RefundRefusalParams };

export const REFUND_KEY_PATTERN = /^refund_[A-Za-z0-9_-]{24}$/;

export function newRefundKey() {
  return `refund_${randomBytes(18).toString('base64url')}`;
}

function refuse(reason: RefundRefusal, params?: RefundRefusalParams): RefundResult {
  return params ? { ok: false, reason, params } : { ok: false, reason };
}

/** What a refund may still take from a charge (0 when it cannot be refunded at all). */
export function refundableAmount({ attemptId }: { attemptId: number }) {
  const attempt = getDb()
    .select({ amount: paymentAttempts.amount, status: paymentAttempts.status, disputed: paymentAttempts.stripeDisputeId })
    .from(paymentAttempts)
    .where(eq(paymentAttempts.id, attemptId))
    .get();
  if (!attempt || attempt.status !== 'succeeded' || attempt.disputed) return 0;
  return Math.max(0, attempt.amount - reservedAmount(getDb(), attemptId));
}

/**
 * Refunds a charge, fully or in part. The amount is reserved by a `pending` refund row in one immediate
 * transaction before Stripe is called, so two concurrent refunds can never together exceed the charge.
 * Stripe gets the refund's own key: a retry after a lost answer replays instead of refunding twice.
 */
export async function refundCharge(input: RefundInput, actor: RefundActor): Promise<RefundResult> {
  if (!can(actor.role, 'refund:create')) return refuse('forbidden');
  const existing = getDb().select().from(refunds).where(eq(refunds.idempotencyKey, input.idempotencyKey)).get();
  if (existing) {
    if (existing.attemptId !== input.attemptId) return refuse('key_reused');
    // The same submission again: answer with its outcome, or finish sending it if Stripe's answer was lost.
    // Only inside Stripe's idempotency window: later, the reconciler looks the refund up instead of re-sending it.
    if (existing.status === 'pending' && !existing.stripeRefundId && Date.now() - existing.createdAt < STRIPE_IDEMPOTENCY_RESEND_WINDOW_MS)
      return sendRefund(existing.id);
    return outcomeOf(existing.id);
  }
  const reserved = reserveRefund(input, actor);
  if (!reserved.ok) return reserved.result;
  return sendRefund(reserved.refundId);
}

function reserveRefund(input: RefundInput, actor: RefundActor): { ok: true; refundId: number } | { ok: false; result: RefundResult } {
  const db = getDb();
  try {
    return db.transaction(
      (tx) => {
        const attempt = tx.select().from(paymentAttempts).where(eq(paymentAttempts.id, input.attemptId)).get();
        if (!attempt) return { ok: false as const, result: refuse('not_found') };
        if (attempt.status !== 'succeeded' || !attempt.stripePaymentIntentId) {
          return { ok: false as const, result: refuse('not_refundable') };
        }
        if (attempt.stripeDisputeId) {
          return {
            ok: false as const,
            result: refuse('disputed'),
          };
        }
        const remaining = attempt.amount - reservedAmount(tx, attempt.id);
        const amount = input.amount ?? remaining;
        if (remaining <= 0) return { ok: false as const, result: refuse('not_refundable', { remaining: 0 }) };
        if (!Number.isSafeInteger(amount) || amount < 1) return { ok: false as const, result: refuse('invalid_amount', { remaining }) };
        if (amount > remaining) {
          return { ok: false as const, result: refuse('exceeds_remaining', { remaining }) };
        }
        const threshold = getSettings().refund_approval_threshold;
        // Counted over the charge, not per refund: three refunds of $500 are a $1,500 refund.
        const refundedSoFar = attempt.amount - remaining;
        if (refundedSoFar + amount > threshold && !can(actor.role, 'refund:approve-large')) {
          return { ok: false as const, result: refuse('needs_manager', { remaining, threshold }) };
        }
        const refund = tx
          .insert(refunds)
          .values({
            attemptId: attempt.id,
            userId: actor.id,
            idempotencyKey: input.idempotencyKey,
            amount,
            currency: attempt.currency,
            reason: input.reason ?? null,
            status: 'pending',
            createdAt: Date.now(),
          })
          .returning({ id: refunds.id })
          .get();
        audit(
          {
            actorUserId: actor.id,
            action: 'refund.requested',
            subjectType: 'payment_attempt',
            subjectId: attempt.id,
            ip: actor.ip,
            details: { refundId: refund.id, amount, currency: attempt.currency, reason: input.reason ?? undefined },
          },
          tx,
        );
        return { ok: true as const, refundId: refund.id };
      },
      { behavior: 'immediate' },
    );
  } catch (error) {
    // The same key submitted twice at the same instant: the loser answers with the winner's refund.
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
      const winner = db.select({ id: refunds.id, attemptId: refunds.attemptId }).from(refunds).where(eq(refunds.idempotencyKey, input.idempotencyKey)).get();
      if (winner && winner.attemptId === input.attemptId) return { ok: false, result: outcomeOf(winner.id) };
      return { ok: false, result: refuse('key_reused') };
    }
    throw error;
  }
}

export async function sendRefund(refundId: number): Promise<RefundResult> {
  const db = getDb();
  const refund = db.select().from(refunds).where(eq(refunds.id, refundId)).get()!;
  const attempt = db
    .select({ id: paymentAttempts.id, invoiceId: paymentAttempts.invoiceId, pi: paymentAttempts.stripePaymentIntentId })
    .from(paymentAttempts)
    .where(eq(paymentAttempts.id, refund.attemptId))
    .get()!;
  try {
    const created = await getStripe().refunds.create(
      {
        payment_intent: attempt.pi!,
        amount: refund.amount,
        ...(refund.reason ? { reason: refund.reason as RefundReason } : {}),
        metadata: { refund_id: String(refund.id), attempt_id: String(attempt.id), invoice_id: String(attempt.invoiceId), user_id: String(refund.userId ?? '') },
      },
      { idempotencyKey: refund.idempotencyKey },
    );
    recordStripeRefund(created, 'api');
    return outcomeOf(refund.id);
  } catch (error) {
    const definite = isStripeError(error) && (error.type === 'StripeInvalidRequestError' || error.type === 'StripeCardError') && (error.statusCode ?? 0) < 500;
    if (!definite) {
      // No answer: the reservation stays pending; the same key again (or Stripe's webhook) settles it.
      return { ok: true, refundId: refund.id, amount: refund.amount, currency: refund.currency, status: 'pending' };
    }
    failRefund(refund.id, error.code ?? 'refund_failed');
    return refuse('stripe_declined', { stripeMessage: error.message });
  }
}

function outcomeOf(refundId: number): RefundResult {
  const refund = getDb().select().from(refunds).where(eq(refunds.id, refundId)).get()!;
  if (refund.status === 'failed') return refuse('stripe_declined');
  return { ok: true, refundId: refund.id, amount: refund.amount, currency: refund.currency, status: refund.status };
}

export function failRefund(refundId: number, code: string) {
  getDb().transaction(
    (tx) => {
      const changed = tx
        .update(refunds)
        .set({ status: 'failed' })
        .where(and(eq(refunds.id, refundId), eq(refunds.status, 'pending')))
        .run();
      if (changed.changes === 0) return;
      const refund = tx.select().from(refunds).where(eq(refunds.id, refundId)).get()!;
      audit(
        {
          actorUserId: refund.userId,
          action: 'refund.failed',
          subjectType: 'payment_attempt',
          subjectId: refund.attemptId,
          details: { refundId, code, source: 'api' },
        },
        tx,
      );
    },
    { behavior: 'immediate' },
  );
}
