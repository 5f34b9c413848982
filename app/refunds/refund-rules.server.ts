import { and, desc, eq, gte, inArray } from 'drizzle-orm';

import type { Db } from '~/platform/db.server';
import { getSettings } from '~/settings/settings.server';

import { type Currency, paymentAttempts, refundApprovals, refunds } from '../../db/schema';
import { reservedAmount } from './stripe-refunds.server';

// The rules every refund passes, whether it is sent at once, reviewed first or approved by a manager.

/** A refund of the same amount on the same charge this recently needs an explicit "yes, another one". */
export const RECENT_DUPLICATE_WINDOW_MS = 10 * 60_000;

export type RefundCheckRefusal = 'not_found' | 'not_refundable' | 'disputed' | 'invalid_amount' | 'exceeds_remaining';

export type RefundCheck =
  | {
      ok: true;
      attemptId: number;
      /** What the refund would send: the amount asked for, or everything that remains. */
      amount: number;
      currency: Currency;
      remaining: number;
      threshold: number;
      /** Counted over the charge, not per refund: three refunds of $500 are a $1,500 refund. */
      overThreshold: boolean;
      /** The latest refund (sent or waiting for approval) of the same amount on this charge inside the window. */
      recentDuplicate: { at: number } | null;
    }
  | { ok: false; reason: RefundCheckRefusal; params?: { remaining: number } };

/** Checks a refund of `amount` (minor units; undefined = all that remains) against the charge as it is now. */
export function checkRefund(tx: Pick<Db, 'select'>, input: { attemptId: number; amount?: number }, now = Date.now()): RefundCheck {
  const attempt = tx
    .select({
      id: paymentAttempts.id,
      amount: paymentAttempts.amount,
      currency: paymentAttempts.currency,
      status: paymentAttempts.status,
      pi: paymentAttempts.stripePaymentIntentId,
      disputed: paymentAttempts.stripeDisputeId,
    })
    .from(paymentAttempts)
    .where(eq(paymentAttempts.id, input.attemptId))
    .get();
  if (!attempt) return { ok: false, reason: 'not_found' };
  if (attempt.status !== 'succeeded' || !attempt.pi) return { ok: false, reason: 'not_refundable' };
  if (attempt.disputed) return { ok: false, reason: 'disputed' };
  const remaining = attempt.amount - reservedAmount(tx, attempt.id);
  if (remaining <= 0) return { ok: false, reason: 'not_refundable', params: { remaining: 0 } };
  const amount = input.amount ?? remaining;
  if (!Number.isSafeInteger(amount) || amount < 1) return { ok: false, reason: 'invalid_amount', params: { remaining } };
  if (amount > remaining) return { ok: false, reason: 'exceeds_remaining', params: { remaining } };
  const threshold = getSettings().refund_approval_threshold;
  return {
    ok: true,
    attemptId: attempt.id,
    amount,
    currency: attempt.currency,
    remaining,
    threshold,
    overThreshold: attempt.amount - remaining + amount > threshold,
    recentDuplicate: recentDuplicate(tx, attempt.id, amount, now),
  };
}

function recentDuplicate(tx: Pick<Db, 'select'>, attemptId: number, amount: number, now: number) {
  const since = now - RECENT_DUPLICATE_WINDOW_MS;
  const refund = tx
    .select({ at: refunds.createdAt })
    .from(refunds)
    .where(and(eq(refunds.attemptId, attemptId), eq(refunds.amount, amount), inArray(refunds.status, ['pending', 'succeeded']), gte(refunds.createdAt, since)))
    .orderBy(desc(refunds.createdAt))
    .get();
  const request = tx
    .select({ at: refundApprovals.createdAt })
    .from(refundApprovals)
    .where(
      and(
        eq(refundApprovals.attemptId, attemptId),
        eq(refundApprovals.amount, amount),
        eq(refundApprovals.status, 'pending'),
        gte(refundApprovals.createdAt, since),
      ),
    )
    .orderBy(desc(refundApprovals.createdAt))
    .get();
  const at = Math.max(refund?.at ?? 0, request?.at ?? 0);
  return at > 0 ? { at } : null;
}
