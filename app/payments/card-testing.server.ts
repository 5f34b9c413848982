import { and, desc, eq, gte, isNotNull, isNull, sql } from 'drizzle-orm';

import { audit } from '~/platform/audit.server';
import { getDb, type Tx } from '~/platform/db.server';
import type { Actor } from '~/platform/permissions';

import { auditEvents, paymentAttempts, users } from '../../db/schema';

// Card-testing defence: a person with this many declines in the window is paused until a manager resumes them…
export const STAFF_DECLINE_LIMIT = 10;
export const STAFF_DECLINE_WINDOW_MS = 15 * 60_000;
// …and an invoice with this many declines is locked for a while, whoever is keying.
export const INVOICE_DECLINE_LIMIT = 5;
export const INVOICE_LOCK_MS = 30 * 60_000;

export function invoiceLockedUntil(tx: Pick<Tx, 'select'>, invoiceId: number) {
  const recentFailures = tx
    .select({ createdAt: paymentAttempts.createdAt })
    .from(paymentAttempts)
    .where(and(eq(paymentAttempts.invoiceId, invoiceId), eq(paymentAttempts.status, 'failed'), gte(paymentAttempts.createdAt, Date.now() - INVOICE_LOCK_MS)))
    .orderBy(desc(paymentAttempts.createdAt))
    .limit(INVOICE_DECLINE_LIMIT)
    .all();
  if (recentFailures.length < INVOICE_DECLINE_LIMIT) return 0;
  return recentFailures[INVOICE_DECLINE_LIMIT - 1]!.createdAt + INVOICE_LOCK_MS;
}

/** Called with every recorded decline: pauses the person keying once the declines pile up. */
export function pauseStaffAfterManyDeclines(tx: Tx, userId: number, now: number) {
  const row = tx
    .select({ n: sql<number>`count(*)` })
    .from(paymentAttempts)
    .where(and(eq(paymentAttempts.userId, userId), eq(paymentAttempts.status, 'failed'), gte(paymentAttempts.createdAt, now - STAFF_DECLINE_WINDOW_MS)))
    .get();
  if ((row?.n ?? 0) < STAFF_DECLINE_LIMIT) return;
  const paused = tx
    .update(users)
    .set({ chargingPausedAt: now })
    .where(and(eq(users.id, userId), sql`${users.chargingPausedAt} is null`))
    .run();
  if (paused.changes > 0) {
    audit(
      {
        actorUserId: null,
        action: 'user.charging_paused',
        subjectType: 'user',
        subjectId: userId,
        details: { declines: row?.n, windowMinutes: STAFF_DECLINE_WINDOW_MS / 60_000 },
      },
      tx,
    );
  }
}

export function isChargingPaused({ userId }: { userId: number }) {
  return Boolean(getDb().select({ pausedAt: users.chargingPausedAt }).from(users).where(eq(users.id, userId)).get()?.pausedAt);
}

export function resumeCharging({ userId }: { userId: number }, actor: Actor): { ok: true; id: number } | { ok: false; reason: 'not_paused' } {
  const db = getDb();
  return db.transaction((tx) => {
    const result = tx
      .update(users)
      .set({ chargingPausedAt: null })
      .where(and(eq(users.id, userId), sql`${users.chargingPausedAt} is not null`))
      .run();
    if (result.changes === 0) return { ok: false, reason: 'not_paused' };
    audit({ actorUserId: actor.id, action: 'user.charging_resumed', subjectType: 'user', subjectId: userId, ip: actor.ip }, tx);
    return { ok: true, id: userId };
  });
}

/**
 * Everyone whose charging is paused, longest-paused first, with why: the declines counted when Keyed paused them
 * (from the audit entry that recorded the pause).
 */
export function listPausedStaff() {
  const db = getDb();
  const paused = db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role, pausedAt: users.chargingPausedAt })
    .from(users)
    .where(and(isNotNull(users.chargingPausedAt), isNull(users.disabledAt)))
    .orderBy(users.chargingPausedAt)
    .all();
  return paused.map((user) => {
    const event = db
      .select({ details: auditEvents.details })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'user.charging_paused'), eq(auditEvents.subjectType, 'user'), eq(auditEvents.subjectId, String(user.id))))
      .orderBy(desc(auditEvents.id))
      .limit(1)
      .get();
    const declines = Number(event?.details?.declines);
    const windowMinutes = Number(event?.details?.windowMinutes);
    return {
      ...user,
      pausedAt: user.pausedAt!,
      declines: Number.isFinite(declines) ? declines : STAFF_DECLINE_LIMIT,
      windowMinutes: Number.isFinite(windowMinutes) ? windowMinutes : STAFF_DECLINE_WINDOW_MS / 60_000,
    };
  });
}
