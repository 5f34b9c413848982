import { randomBytes } from 'node:crypto';

import { and, eq } from 'drizzle-orm';

import { audit } from '~/platform/audit.server';
import { getDb, isUniqueViolation, type Tx } from '~/platform/db.server';
import { can } from '~/platform/permissions';
import { getStripe, isStripeError, STRIPE_IDEMPOTENCY_RESEND_WINDOW_MS } from '~/platform/stripe.server';

import { type Currency, paymentAttempts, refundApprovals, refunds, type Role } from '../../db/schema';
import type { RefundReason } from './refund-reasons';
import { checkRefund, type RefundCheckRefusal } from './refund-rules.server';
import { recordStripeRefund, reservedAmount } from './stripe-refunds.server';

export type RefundActor = { id: number; role: Role; ip?: string | null };

export type RefundInput = {
  attemptId: number;
  /** Minor units; omitted means everything that remains. */
  amount?: number;
  reason?: RefundReason | null;
  /** From the refund form (newRefundKey()), so a resubmitted form is the same refund, never a second one. */
  idempotencyKey: string;
  /** The person said "yes, another one" to a refund of the same amount made on this charge minutes ago. */
  allowRecentDuplicate?: boolean;
};

export type RefundRefusal = 'forbidden' | RefundCheckRefusal | 'needs_manager' | 'recent_duplicate' | 'key_reused' | 'stripe_declined';

/**
 * What a refusal carries for its message: amounts in the charge's minor units, when the identical refund was made,
 * and Stripe's own words when Stripe refused.
 */
export type RefundRefusalParams = { remaining?: number; threshold?: number; amount?: number; previousAt?: number; stripeMessage?: string };

export type RefundResult =
  | { ok: true; refundId: number; amount: number; currency: Currency; status: 'succeeded' | 'pending' }
  | { ok: false; reason: RefundRefusal; params?: RefundRefusalParams };

/** A fresh refund form key (refund-form.ts checks its shape). */
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
        // A key already used for an approval request is that request's, not a second refund.
        if (tx.select({ id: refundApprovals.id }).from(refundApprovals).where(eq(refundApprovals.idempotencyKey, input.idempotencyKey)).get()) {
          return { ok: false as const, result: refuse('key_reused') };
        }
        const check = checkRefund(tx, input);
        if (!check.ok) return { ok: false as const, result: refuse(check.reason, check.params) };
        if (check.overThreshold && !can(actor.role, 'refund:approve-large')) {
          return { ok: false as const, result: refuse('needs_manager', { remaining: check.remaining, threshold: check.threshold }) };
        }
        // Enforced here, not only in the confirmation: a second click, a second tab or a script all land here.
        if (check.recentDuplicate && !input.allowRecentDuplicate) {
          return { ok: false as const, result: refuse('recent_duplicate', { amount: check.amount, previousAt: check.recentDuplicate.at }) };
        }
        const refundId = insertPendingRefund(tx, {
          attemptId: check.attemptId,
          amount: check.amount,
          currency: check.currency,
          reason: input.reason ?? null,
          idempotencyKey: input.idempotencyKey,
          actor,
        });
        return { ok: true as const, refundId };
      },
      { behavior: 'immediate' },
    );
  } catch (error) {
    // The same key submitted twice at the same instant: the loser answers with the winner's refund.
    if (isUniqueViolation(error)) {
      const winner = db.select({ id: refunds.id, attemptId: refunds.attemptId }).from(refunds).where(eq(refunds.idempotencyKey, input.idempotencyKey)).get();
      if (winner && winner.attemptId === input.attemptId) return { ok: false, result: outcomeOf(winner.id) };
      return { ok: false, result: refuse('key_reused') };
    }
    throw error;
  }
}

/**
 * Reserves the amount: the refund row is committed as `pending` (with the caller's transaction) before Stripe is
 * called. Callers have checked the charge with checkRefund in the same transaction.
 */
export function insertPendingRefund(
  tx: Tx,
  refund: { attemptId: number; amount: number; currency: Currency; reason: string | null; idempotencyKey: string; actor: RefundActor; approvalId?: number },
) {
  const { id } = tx
    .insert(refunds)
    .values({
      attemptId: refund.attemptId,
      userId: refund.actor.id,
      idempotencyKey: refund.idempotencyKey,
      amount: refund.amount,
      currency: refund.currency,
      reason: refund.reason,
      status: 'pending',
      createdAt: Date.now(),
    })
    .returning({ id: refunds.id })
    .get();
  audit(
    {
      actorUserId: refund.actor.id,
      action: 'refund.requested',
      subjectType: 'payment_attempt',
      subjectId: refund.attemptId,
      ip: refund.actor.ip,
      details: { refundId: id, amount: refund.amount, currency: refund.currency, reason: refund.reason ?? undefined, approvalId: refund.approvalId },
    },
    tx,
  );
  return id;
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
