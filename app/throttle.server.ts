import { eq, inArray, sql } from 'drizzle-orm';
import { loginThrottle } from '../db/schema';
import { getDb } from './db.server';

// Five free failures per key, then a lock that doubles each time: 30 s, 1 min, 2 min … capped at 15 min.
export const FREE_FAILURES = 5;
const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;
// A key with no failure for an hour starts afresh.
const FORGET_AFTER_MS = 60 * 60_000;

export function lockDurationMs(failures: number) {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(BASE_LOCK_MS * 2 ** (failures - FREE_FAILURES), MAX_LOCK_MS);
}

export function throttleKeys(email: string, ip: string | null) {
  const keys = [`email:${email.trim().toLowerCase()}`];
  if (ip) keys.push(`ip:${ip}`);
  return keys;
}

/** The time until which any of these keys is locked, or 0 when all are free. */
export function lockedUntil(keys: string[], now = Date.now()) {
  const rows = getDb().select().from(loginThrottle).where(inArray(loginThrottle.key, keys)).all();
  return Math.max(0, ...rows.map((r) => r.blockedUntil).filter((t) => t > now));
}

export function recordLoginFailure(keys: string[], now = Date.now()) {
  const db = getDb();
  db.transaction((tx) => {
    for (const key of keys) {
      const row = tx.select().from(loginThrottle).where(eq(loginThrottle.key, key)).get();
      const failures = row && now - row.lastFailedAt < FORGET_AFTER_MS ? row.failures + 1 : 1;
      const blockedUntil = now + lockDurationMs(failures);
      tx.insert(loginThrottle)
        .values({ key, failures, lastFailedAt: now, blockedUntil })
        .onConflictDoUpdate({ target: loginThrottle.key, set: { failures, lastFailedAt: now, blockedUntil } })
        .run();
    }
  });
}

export function clearLoginFailures(key: string) {
  getDb().delete(loginThrottle).where(eq(loginThrottle.key, key)).run();
}

export function pruneLoginThrottle(now = Date.now()) {
  getDb()
    .delete(loginThrottle)
    .where(sql`${loginThrottle.lastFailedAt} < ${now - FORGET_AFTER_MS} and ${loginThrottle.blockedUntil} < ${now}`)
    .run();
}
