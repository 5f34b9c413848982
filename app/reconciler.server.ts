import { and, asc, eq, inArray, isNull, lt } from 'drizzle-orm';
import { paymentAttempts } from '../db/schema';
import { audit } from './audit.server';
import { getDb } from './db.server';
import { isInFlight, sendAttempt } from './payments.server';

// Stripe keeps idempotency keys for at least 24 hours; past that a re-send could charge again, so a person decides.
export const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;
// Leave fresh attempts to the request that is sending them.
export const SETTLE_AFTER_MS = 60_000;
export const RECONCILE_INTERVAL_MS = 60_000;

export type ReconcileReport = { checked: number; settled: number; stillUnknown: number; flagged: number };

/**
 * Settles pending and unknown attempts by re-sending the identical request with the attempt's own key:
 * Stripe answers with what happened the first time, or performs it now, exactly once.
 */
export async function reconcileAttempts({ now = Date.now(), minAgeMs = SETTLE_AFTER_MS }: { now?: number; minAgeMs?: number } = {}): Promise<ReconcileReport> {
  const db = getDb();
  const report: ReconcileReport = { checked: 0, settled: 0, stillUnknown: 0, flagged: 0 };
  const unsettled = db
    .select({ id: paymentAttempts.id, createdAt: paymentAttempts.createdAt, needsAttentionAt: paymentAttempts.needsAttentionAt })
    .from(paymentAttempts)
    .where(and(inArray(paymentAttempts.status, ['pending', 'unknown']), lt(paymentAttempts.createdAt, now - minAgeMs)))
    .orderBy(asc(paymentAttempts.createdAt))
    .limit(100)
    .all();
  for (const attempt of unsettled) {
    if (isInFlight(attempt.id)) continue;
    if (now - attempt.createdAt > IDEMPOTENCY_WINDOW_MS) {
      if (flagForManager(attempt.id, now)) report.flagged++;
      continue;
    }
    report.checked++;
    const status = await reconcileAttempt(attempt.id);
    if (status === 'pending' || status === 'unknown') report.stillUnknown++;
    else report.settled++;
  }
  return report;
}

export async function reconcileAttempt(attemptId: number) {
  return sendAttempt(attemptId, 'reconciler');
}

function flagForManager(attemptId: number, now: number) {
  const db = getDb();
  return db.transaction((tx) => {
    const flagged = tx
      .update(paymentAttempts)
      .set({ needsAttentionAt: now })
      .where(and(eq(paymentAttempts.id, attemptId), isNull(paymentAttempts.needsAttentionAt)))
      .run();
    if (flagged.changes > 0) {
      audit({ actorUserId: null, action: 'charge.needs_attention', subjectType: 'payment_attempt', subjectId: attemptId, details: { reason: 'unsettled_after_24h' } }, tx);
    }
    return flagged.changes > 0;
  });
}

let timer: NodeJS.Timeout | undefined;

/** Runs once now (settling whatever a crash left behind) and then every minute, in-process. */
export function startReconciler() {
  if (timer) return;
  const run = () =>
    reconcileAttempts({ minAgeMs: 0 }).catch((error: unknown) => {
      console.error('reconciler:', error instanceof Error ? error.message : String(error));
    });
  void run();
  timer = setInterval(() => void reconcileAttempts().catch(() => undefined), RECONCILE_INTERVAL_MS);
  timer.unref();
}

export function stopReconciler() {
  if (timer) clearInterval(timer);
  timer = undefined;
}
