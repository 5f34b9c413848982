import { and, asc, desc, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';

import { audit } from '~/platform/audit.server';
import { getDb, isUniqueViolation } from '~/platform/db.server';
import { can } from '~/platform/permissions';

import { invoices, paymentAttempts, refundApprovals, refunds, users } from '../../db/schema';
import { insertPendingRefund, type RefundActor, type RefundResult, sendRefund } from './refund-charge.server';
import type { RefundReason } from './refund-reasons';
import { checkRefund, type RefundCheckRefusal } from './refund-rules.server';

// Refunds above the approval threshold: finance asks, a manager approves (the refund is sent) or rejects (with a reason).

export type ApprovalRefusal = 'forbidden' | RefundCheckRefusal | 'not_needed' | 'recent_duplicate' | 'key_reused' | 'already_decided';
type ApprovalRefusalParams = { remaining?: number; amount?: number; previousAt?: number };
type Refused = { ok: false; reason: ApprovalRefusal; params?: ApprovalRefusalParams };

export type ApprovalRequestInput = {
  attemptId: number;
  amount: number;
  reason: RefundReason | null;
  note: string | null;
  idempotencyKey: string;
  allowRecentDuplicate?: boolean;
};

/** Finance asks a manager to approve a refund the threshold keeps them from sending themselves. */
export function requestRefundApproval(input: ApprovalRequestInput, actor: RefundActor): { ok: true; approvalId: number } | Refused {
  if (!can(actor.role, 'refund:create')) return { ok: false, reason: 'forbidden' };
  const db = getDb();
  try {
    return db.transaction(
      (tx) => {
        const same = tx
          .select({ id: refundApprovals.id, attemptId: refundApprovals.attemptId })
          .from(refundApprovals)
          .where(eq(refundApprovals.idempotencyKey, input.idempotencyKey))
          .get();
        // The same form again is the same request.
        if (same)
          return same.attemptId === input.attemptId ? { ok: true as const, approvalId: same.id } : { ok: false as const, reason: 'key_reused' as const };
        if (tx.select({ id: refunds.id }).from(refunds).where(eq(refunds.idempotencyKey, input.idempotencyKey)).get()) {
          return { ok: false as const, reason: 'key_reused' as const };
        }
        const check = checkRefund(tx, input);
        if (!check.ok) return check;
        // Within the threshold (or for a manager) the refund is simply sent: no request to sit in a queue.
        if (!check.overThreshold || can(actor.role, 'refund:approve-large')) return { ok: false as const, reason: 'not_needed' as const };
        if (check.recentDuplicate && !input.allowRecentDuplicate) {
          return { ok: false as const, reason: 'recent_duplicate' as const, params: { amount: check.amount, previousAt: check.recentDuplicate.at } };
        }
        const { id } = tx
          .insert(refundApprovals)
          .values({
            attemptId: input.attemptId,
            requestedByUserId: actor.id,
            idempotencyKey: input.idempotencyKey,
            amount: check.amount,
            currency: check.currency,
            reason: input.reason,
            note: input.note,
            status: 'pending',
            createdAt: Date.now(),
          })
          .returning({ id: refundApprovals.id })
          .get();
        audit(
          {
            actorUserId: actor.id,
            action: 'refund.approval_requested',
            subjectType: 'payment_attempt',
            subjectId: input.attemptId,
            ip: actor.ip,
            details: { approvalId: id, amount: check.amount, currency: check.currency, reason: input.reason ?? undefined },
          },
          tx,
        );
        return { ok: true as const, approvalId: id };
      },
      { behavior: 'immediate' },
    );
  } catch (error) {
    // The same form at the same instant: the other submission made the request.
    if (isUniqueViolation(error)) return requestRefundApproval(input, actor);
    throw error;
  }
}

/**
 * A manager approves: in one immediate transaction the request is decided (only if still pending — two managers
 * approving at once make one refund) and the amount is reserved as a pending refund, checked against the charge as
 * it is now. Stripe is called after the commit, with a key derived from the request, like any other refund.
 */
export async function approveRefundRequest({ approvalId }: { approvalId: number }, actor: RefundActor): Promise<RefundResult | Refused> {
  if (!can(actor.role, 'refund:approve-large')) return { ok: false, reason: 'forbidden' };
  const decided = getDb().transaction(
    (tx) => {
      const request = tx.select().from(refundApprovals).where(eq(refundApprovals.id, approvalId)).get();
      if (!request) return { ok: false as const, reason: 'not_found' as const };
      if (request.status !== 'pending') return { ok: false as const, reason: 'already_decided' as const };
      const check = checkRefund(tx, { attemptId: request.attemptId, amount: request.amount });
      if (!check.ok) return check;
      const refundId = insertPendingRefund(tx, {
        attemptId: request.attemptId,
        amount: request.amount,
        currency: request.currency,
        reason: request.reason,
        idempotencyKey: `approval:${request.id}`,
        actor,
        approvalId: request.id,
      });
      const now = Date.now();
      tx.update(refundApprovals)
        .set({ status: 'approved', decidedByUserId: actor.id, decidedAt: now, refundId })
        .where(and(eq(refundApprovals.id, request.id), eq(refundApprovals.status, 'pending')))
        .run();
      audit(
        {
          actorUserId: actor.id,
          action: 'refund.approved',
          subjectType: 'payment_attempt',
          subjectId: request.attemptId,
          ip: actor.ip,
          details: { approvalId: request.id, refundId, amount: request.amount, currency: request.currency, requestedBy: request.requestedByUserId },
        },
        tx,
      );
      return { ok: true as const, refundId };
    },
    { behavior: 'immediate' },
  );
  if (!decided.ok) return decided;
  return sendRefund(decided.refundId);
}

/** A manager rejects, saying why; the requester reads the reason on the charge page. */
export function rejectRefundRequest({ approvalId, reason }: { approvalId: number; reason: string }, actor: RefundActor): { ok: true } | Refused {
  if (!can(actor.role, 'refund:approve-large')) return { ok: false, reason: 'forbidden' };
  return getDb().transaction(
    (tx) => {
      const request = tx.select().from(refundApprovals).where(eq(refundApprovals.id, approvalId)).get();
      if (!request) return { ok: false as const, reason: 'not_found' as const };
      const changed = tx
        .update(refundApprovals)
        .set({ status: 'rejected', decidedByUserId: actor.id, decidedAt: Date.now(), rejectionReason: reason })
        .where(and(eq(refundApprovals.id, approvalId), eq(refundApprovals.status, 'pending')))
        .run();
      if (changed.changes === 0) return { ok: false as const, reason: 'already_decided' as const };
      audit(
        {
          actorUserId: actor.id,
          action: 'refund.rejected',
          subjectType: 'payment_attempt',
          subjectId: request.attemptId,
          ip: actor.ip,
          details: { approvalId, amount: request.amount, currency: request.currency, requestedBy: request.requestedByUserId },
        },
        tx,
      );
      return { ok: true as const };
    },
    { behavior: 'immediate' },
  );
}

/** One request's charge and currency (to word a refusal), or null. */
export function getApproval({ id }: { id: number }) {
  return (
    getDb()
      .select({ id: refundApprovals.id, attemptId: refundApprovals.attemptId, currency: refundApprovals.currency, status: refundApprovals.status })
      .from(refundApprovals)
      .where(eq(refundApprovals.id, id))
      .get() ?? null
  );
}

const requester = alias(users, 'requester');
const decider = alias(users, 'decider');

const approvalColumns = {
  id: refundApprovals.id,
  attemptId: refundApprovals.attemptId,
  amount: refundApprovals.amount,
  currency: refundApprovals.currency,
  reason: refundApprovals.reason,
  note: refundApprovals.note,
  status: refundApprovals.status,
  createdAt: refundApprovals.createdAt,
  decidedAt: refundApprovals.decidedAt,
  rejectionReason: refundApprovals.rejectionReason,
  requestedBy: requester.name,
  decidedBy: decider.name,
  refundStatus: refunds.status,
};

/** The manager's queue: requests waiting for a decision, oldest first, with what a manager needs to decide. */
export function listPendingApprovals() {
  return getDb()
    .select({
      ...approvalColumns,
      chargeAmount: paymentAttempts.amount,
      cardBrand: paymentAttempts.cardBrand,
      cardLast4: paymentAttempts.cardLast4,
      invoiceNumber: invoices.number,
      customerName: invoices.customerName,
    })
    .from(refundApprovals)
    .innerJoin(requester, eq(requester.id, refundApprovals.requestedByUserId))
    .leftJoin(decider, eq(decider.id, refundApprovals.decidedByUserId))
    .leftJoin(refunds, eq(refunds.id, refundApprovals.refundId))
    .innerJoin(paymentAttempts, eq(paymentAttempts.id, refundApprovals.attemptId))
    .innerJoin(invoices, eq(invoices.id, paymentAttempts.invoiceId))
    .where(eq(refundApprovals.status, 'pending'))
    .orderBy(asc(refundApprovals.createdAt), asc(refundApprovals.id))
    .limit(100)
    .all();
}

/** Every approval request on one charge, newest first, for the charge page. */
export function listApprovalsForCharge({ attemptId }: { attemptId: number }) {
  return getDb()
    .select(approvalColumns)
    .from(refundApprovals)
    .innerJoin(requester, eq(requester.id, refundApprovals.requestedByUserId))
    .leftJoin(decider, eq(decider.id, refundApprovals.decidedByUserId))
    .leftJoin(refunds, eq(refunds.id, refundApprovals.refundId))
    .where(eq(refundApprovals.attemptId, attemptId))
    .orderBy(desc(refundApprovals.createdAt), desc(refundApprovals.id))
    .all();
}
