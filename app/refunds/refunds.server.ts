import { randomBytes } from 'node:crypto';

import { and, asc, eq, inArray, isNull, like, sql } from 'drizzle-orm';
import type Stripe from 'stripe';

import { audit } from '~/platform/audit.server';
import { type Db, getDb } from '~/platform/db.server';
import { can } from '~/platform/permissions';
import { getStripe, isStripeError } from '~/platform/stripe.server';
import { getSettings } from '~/settings/settings.server';

import { type Currency, invoices, paymentAttempts, refunds, type Role } from '../../db/schema';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export { REFUND_REASONS, type RefundReason } from './refund-reasons';
import type { RefundReason } from './refund-reasons';

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

export type RefundResult =
  | { ok: true; refundId: number; amount: number; currency: Currency; status: 'succeeded' | 'pending' }
  | { ok: false; status: 400 | 403 | 404 | 409 | 502; reason: RefundRefusal; message: string; remaining?: number; threshold?: number };

/** The idempotency key a refund made outside Keyed is stored under (its own key is Stripe's refund id). */
export function stripeRefundKey(stripeRefundId: string) {
  return `stripe:${stripeRefundId}`;
}

// Stripe keeps idempotency keys for at least 24 hours; re-send well inside that.
const REFUND_RESEND_WINDOW_MS = 23 * 3_600_000;

export const REFUND_KEY_PATTERN = /^refund_[A-Za-z0-9_-]{24}$/;

export function newRefundKey() {
  return `refund_${randomBytes(18).toString('base64url')}`;
}

function refuse(
  status: 400 | 403 | 404 | 409 | 502,
  reason: RefundRefusal,
  message: string,
  extra: { remaining?: number; threshold?: number } = {},
): RefundResult {
  return { ok: false, status, reason, message, ...extra };
}

/** Money already gone or on its way back: refunds that succeeded plus those still waiting for Stripe. */
function reservedAmount(tx: Pick<Db, 'select'>, attemptId: number) {
  const row = tx
    .select({ n: sql<number>`coalesce(sum(${refunds.amount}), 0)` })
    .from(refunds)
    .where(and(eq(refunds.attemptId, attemptId), inArray(refunds.status, ['pending', 'succeeded'])))
    .get();
  return Number(row?.n ?? 0);
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
  if (!can(actor.role, 'refund:create')) return refuse(403, 'forbidden', 'Only finance and managers can refund charges.');
  const existing = getDb().select().from(refunds).where(eq(refunds.idempotencyKey, input.idempotencyKey)).get();
  if (existing) {
    if (existing.attemptId !== input.attemptId) return refuse(409, 'key_reused', 'This refund form is out of date. Reload the page.');
    // The same submission again: answer with its outcome, or finish sending it if Stripe's answer was lost.
    // Only inside Stripe's idempotency window: later, the reconciler looks the refund up instead of re-sending it.
    if (existing.status === 'pending' && !existing.stripeRefundId && Date.now() - existing.createdAt < REFUND_RESEND_WINDOW_MS) return sendRefund(existing.id);
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
        if (!attempt) return { ok: false as const, result: refuse(404, 'not_found', 'That charge does not exist.') };
        if (attempt.status !== 'succeeded' || !attempt.stripePaymentIntentId) {
          return { ok: false as const, result: refuse(409, 'not_refundable', 'Only a succeeded charge can be refunded.') };
        }
        if (attempt.stripeDisputeId) {
          return {
            ok: false as const,
            result: refuse(409, 'disputed', 'This charge is disputed: the dispute decides where the money goes, so it cannot be refunded.'),
          };
        }
        const remaining = attempt.amount - reservedAmount(tx, attempt.id);
        const amount = input.amount ?? remaining;
        if (remaining <= 0)
          return { ok: false as const, result: refuse(409, 'not_refundable', 'This charge has already been refunded in full.', { remaining: 0 }) };
        if (!Number.isSafeInteger(amount) || amount < 1)
          return { ok: false as const, result: refuse(400, 'invalid_amount', 'Enter a refund amount above zero.', { remaining }) };
        if (amount > remaining) {
          return { ok: false as const, result: refuse(400, 'exceeds_remaining', 'The refund is more than what remains on this charge.', { remaining }) };
        }
        const threshold = getSettings().refund_approval_threshold;
        // Counted over the charge, not per refund: three refunds of $500 are a $1,500 refund.
        const refundedSoFar = attempt.amount - remaining;
        if (refundedSoFar + amount > threshold && !can(actor.role, 'refund:approve-large')) {
          return { ok: false as const, result: refuse(403, 'needs_manager', 'Refunds above the approval threshold need a manager.', { remaining, threshold }) };
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
      return { ok: false, result: refuse(409, 'key_reused', 'This refund form is out of date. Reload the page.') };
    }
    throw error;
  }
}

async function sendRefund(refundId: number): Promise<RefundResult> {
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
    return refuse(502, 'stripe_declined', error.message);
  }
}

function outcomeOf(refundId: number): RefundResult {
  const refund = getDb().select().from(refunds).where(eq(refunds.id, refundId)).get()!;
  if (refund.status === 'failed') return refuse(502, 'stripe_declined', 'Stripe did not accept this refund.');
  return { ok: true, refundId: refund.id, amount: refund.amount, currency: refund.currency, status: refund.status };
}

function failRefund(refundId: number, code: string) {
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

// ——— refunds whose answer never came ———

/** Stripe keeps idempotency keys for 24 hours; re-sending is safe only well inside that. */
const RESEND_WINDOW_MS = 23 * 3_600_000;

/**
 * Settles refunds still pending without a Stripe id (the answer was lost and nobody resubmitted the form).
 * Looks first: a refund Stripe made carries our refund_id in its metadata and is recorded as is. Otherwise,
 * inside Stripe's idempotency window, the identical request is sent again; past it, the refund never
 * reached Stripe and is marked failed, freeing the reserved amount. For the reconciler to run now and then.
 */
export async function settlePendingRefunds({ olderThanMs = 60_000, now = Date.now() }: { olderThanMs?: number; now?: number } = {}) {
  const db = getDb();
  const stuck = db
    .select({ id: refunds.id, attemptId: refunds.attemptId, createdAt: refunds.createdAt, pi: paymentAttempts.stripePaymentIntentId })
    .from(refunds)
    .innerJoin(paymentAttempts, eq(paymentAttempts.id, refunds.attemptId))
    .where(and(eq(refunds.status, 'pending'), isNull(refunds.stripeRefundId), sql`${refunds.createdAt} <= ${now - olderThanMs}`))
    .all();
  const settled: { refundId: number; outcome: 'found' | 'resent' | 'failed' | 'still_pending' }[] = [];
  for (const refund of stuck) {
    try {
      const atStripe = await getStripe().refunds.list({ payment_intent: refund.pi!, limit: 100 });
      const found = atStripe.data.find((r) => r.metadata?.refund_id === String(refund.id));
      if (found) {
        recordStripeRefund(found, 'api');
        settled.push({ refundId: refund.id, outcome: 'found' });
      } else if (now - refund.createdAt < RESEND_WINDOW_MS) {
        const result = await sendRefund(refund.id);
        settled.push({ refundId: refund.id, outcome: result.ok && result.status === 'pending' ? 'still_pending' : 'resent' });
      } else {
        failRefund(refund.id, 'not_sent');
        settled.push({ refundId: refund.id, outcome: 'failed' });
      }
    } catch {
      // Stripe unreachable: try again on the next run.
      settled.push({ refundId: refund.id, outcome: 'still_pending' });
    }
  }
  return settled;
}

// ——— Stripe's view of refunds: API answers and webhooks, deduplicated by stripe_refund_id ———

type StripeRefundStatus = 'pending' | 'succeeded' | 'failed';

function mapStatus(status: string | null): StripeRefundStatus {
  if (status === 'succeeded') return 'succeeded';
  if (status === 'failed' || status === 'canceled') return 'failed';
  return 'pending';
}

function objectId(value: string | { id: string } | null | undefined) {
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
function applyRefundTotals(tx: Tx, attemptId: number) {
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

// ——— disputes ———

/** `charge.dispute.created` / `.updated` / `.closed`: the dispute is shown on the charge; recorded once, then kept current. */
export function recordDispute(dispute: Stripe.Dispute) {
  getDb().transaction(
    (tx) => {
      const attempt = attemptForStripe({ chargeId: objectId(dispute.charge), paymentIntentId: objectId(dispute.payment_intent) }, tx);
      if (!attempt) return;
      const current = tx
        .select({ disputeId: paymentAttempts.stripeDisputeId, status: paymentAttempts.disputeStatus })
        .from(paymentAttempts)
        .where(eq(paymentAttempts.id, attempt.id))
        .get()!;
      if (current.disputeId === dispute.id && current.status === dispute.status) return;
      tx.update(paymentAttempts)
        .set({
          stripeDisputeId: dispute.id,
          disputeStatus: dispute.status,
          disputeReason: dispute.reason,
          disputeAmount: dispute.amount,
          ...(current.disputeId ? {} : { disputedAt: (dispute.created ?? Math.floor(Date.now() / 1000)) * 1000 }),
        })
        .where(eq(paymentAttempts.id, attempt.id))
        .run();
      audit(
        {
          actorUserId: null,
          action: current.disputeId ? 'charge.dispute_updated' : 'charge.disputed',
          subjectType: 'payment_attempt',
          subjectId: attempt.id,
          details: { dispute: dispute.id, status: dispute.status, reason: dispute.reason, amount: dispute.amount, currency: attempt.currency },
        },
        tx,
      );
    },
    { behavior: 'immediate' },
  );
}

// ——— the finance dashboard ———
