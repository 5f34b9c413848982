import { and, asc, eq, gte, inArray, isNull, lt } from 'drizzle-orm';
import type Stripe from 'stripe';

import { audit } from '~/platform/audit.server';
import { getDb } from '~/platform/db.server';
import { getLogger } from '~/platform/logger.server';
import { getStripe, STRIPE_IDEMPOTENCY_RESEND_WINDOW_MS } from '~/platform/stripe.server';
import { settlePendingRefunds } from '~/refunds/settle-pending-refunds.server';

import { paymentAttempts } from '../../db/schema';
import { isInFlight, sendAttempt } from './charge-invoice.server';
import { outcomeFromIntent, recordOutcome } from './outcomes.server';

// Past Stripe's idempotency window a re-send could be a second charge, so an old attempt is only ever looked up.
const RESEND_WINDOW_MS = STRIPE_IDEMPOTENCY_RESEND_WINDOW_MS;
// Leave fresh attempts to the request that is sending them.
export const SETTLE_AFTER_MS = 60_000;
export const RECONCILE_INTERVAL_MS = 60_000;
const BATCH = 100;

export type ReconcileReport = { checked: number; settled: number; stillUnknown: number; flagged: number };

/**
 * Settles pending and unknown attempts. Inside the re-send window: the identical request with the attempt's
 * own key, so Stripe answers with what happened the first time, or performs it now, exactly once. Past it:
 * flagged for a manager and looked up in Stripe (read-only).
 */
export async function reconcileAttempts({ now = Date.now(), minAgeMs = SETTLE_AFTER_MS }: { now?: number; minAgeMs?: number } = {}): Promise<ReconcileReport> {
  const db = getDb();
  const report: ReconcileReport = { checked: 0, settled: 0, stillUnknown: 0, flagged: 0 };
  report.flagged = flagExpiredAttempts(now);
  const unsettled = db
    .select({ id: paymentAttempts.id })
    .from(paymentAttempts)
    .where(
      and(
        inArray(paymentAttempts.status, ['pending', 'unknown']),
        lt(paymentAttempts.createdAt, now - minAgeMs),
        gte(paymentAttempts.createdAt, now - RESEND_WINDOW_MS),
      ),
    )
    .orderBy(asc(paymentAttempts.createdAt))
    .limit(BATCH)
    .all();
  // Old attempts are looked up after the fresh ones, a few per run, so they never crowd the fresh ones out.
  const expired = db
    .select({ id: paymentAttempts.id })
    .from(paymentAttempts)
    .where(and(inArray(paymentAttempts.status, ['pending', 'unknown']), lt(paymentAttempts.createdAt, now - RESEND_WINDOW_MS)))
    .orderBy(asc(paymentAttempts.createdAt))
    .limit(10)
    .all();
  for (const attempt of [...unsettled, ...expired]) {
    if (isInFlight(attempt.id)) continue;
    report.checked++;
    const status = await reconcileAttempt(attempt.id, now);
    if (status === 'pending' || status === 'unknown') report.stillUnknown++;
    else report.settled++;
  }
  return report;
}

/** One attempt, as the reconciler and the "Check now" buttons settle it: re-send inside the window, look up past it. */
export async function reconcileAttempt(attemptId: number, now = Date.now()) {
  const attempt = getDb()
    .select({ createdAt: paymentAttempts.createdAt, status: paymentAttempts.status })
    .from(paymentAttempts)
    .where(eq(paymentAttempts.id, attemptId))
    .get();
  if (!attempt) return null;
  if (attempt.status !== 'pending' && attempt.status !== 'unknown') return attempt.status;
  if (now - attempt.createdAt < RESEND_WINDOW_MS) return sendAttempt(attemptId, 'reconciler');
  return lookUpInStripe(attemptId);
}

/**
 * Finds the attempt's PaymentIntent without creating anything: by its stored id, else among intents created
 * around the attempt, by the attempt id Keyed put in its metadata. None means the charge never happened.
 */
async function lookUpInStripe(attemptId: number) {
  const attempt = getDb().select().from(paymentAttempts).where(eq(paymentAttempts.id, attemptId)).get()!;
  const stripe = getStripe();
  let intent: Stripe.PaymentIntent | undefined;
  try {
    if (attempt.stripePaymentIntentId) {
      intent = await stripe.paymentIntents.retrieve(attempt.stripePaymentIntentId);
    } else {
      const created = { gte: Math.floor(attempt.createdAt / 1000) - 300, lte: Math.floor((attempt.createdAt + RESEND_WINDOW_MS + 3_600_000) / 1000) };
      for await (const candidate of stripe.paymentIntents.list({ created, limit: 100 })) {
        if (candidate.metadata?.attempt_id === String(attemptId)) {
          intent = candidate;
          break;
        }
      }
    }
  } catch {
    return attempt.status; // Stripe unreachable: still flagged, looked up again next run.
  }
  if (intent) return recordOutcome(attemptId, outcomeFromIntent(intent), 'reconciler');
  return recordOutcome(
    attemptId,
    { status: 'failed', failureCode: 'not_sent', failureMessage: 'No PaymentIntent exists at Stripe for this attempt: the card was never charged.' },
    'reconciler',
  );
}

/** Flags every unsettled attempt older than the re-send window, once, for a manager to see. */
function flagExpiredAttempts(now: number) {
  const db = getDb();
  return db.transaction((tx) => {
    const flagged = tx
      .update(paymentAttempts)
      .set({ needsAttentionAt: now })
      .where(
        and(
          inArray(paymentAttempts.status, ['pending', 'unknown']),
          lt(paymentAttempts.createdAt, now - RESEND_WINDOW_MS),
          isNull(paymentAttempts.needsAttentionAt),
        ),
      )
      .returning({ id: paymentAttempts.id })
      .all();
    for (const { id } of flagged) {
      audit(
        {
          actorUserId: null,
          action: 'charge.needs_attention',
          subjectType: 'payment_attempt',
          subjectId: id,
          details: { reason: 'unsettled_past_resend_window' },
        },
        tx,
      );
    }
    return flagged.length;
  });
}

let timer: NodeJS.Timeout | undefined;
let running: Promise<void> | null = null;

/** Runs once now (settling whatever a crash left behind) and then every minute, in-process, one run at a time: charges, then refunds. */
export function startReconciler() {
  if (timer) return;
  const run = (minAgeMs?: number) => {
    // A run can outlast the interval while Stripe is down (timeouts and retries): never stack runs.
    if (running) return;
    running = reconcileAttempts(minAgeMs === undefined ? {} : { minAgeMs })
      .then((report) => {
        if (report.checked > 0 || report.flagged > 0) getLogger().info({ reconciler: report }, 'reconciler run');
      })
      // Refunds whose answer from Stripe was lost are settled the same way, by looking before re-sending.
      .then(async () => {
        await settlePendingRefunds(minAgeMs === undefined ? {} : { olderThanMs: minAgeMs });
      })
      .catch((error: unknown) => getLogger().error({ err: error }, 'reconciler run failed'))
      .finally(() => {
        running = null;
      });
  };
  run(0);
  timer = setInterval(() => run(), RECONCILE_INTERVAL_MS);
  timer.unref();
}

/** No further runs; resolves when the run under way (if any) has finished, so shutdown never cuts a charge in half. */
export function stopReconciler(): Promise<void> {
  if (timer) clearInterval(timer);
  timer = undefined;
  return running ?? Promise.resolve();
}
