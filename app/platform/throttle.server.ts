import { eq, inArray, sql } from 'drizzle-orm';

import { loginThrottle } from '../../db/schema';
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

/**
 * Counts a login attempt as a failure before the password is checked, in one transaction with the lock check,
 * so parallel guesses cannot all slip past a lock that only the first of them would set. Returns the time until
 * which the keys are locked (this attempt refused), or 0 (go ahead, and call loginSucceeded if it does).
 */
export function beginLoginAttempt(keys: string[], now = Date.now()): number {
  const db = getDb();
  return db.transaction(
    (tx) => {
      const rows = tx.select().from(loginThrottle).where(inArray(loginThrottle.key, keys)).all();
      const until = Math.max(0, ...rows.map((r) => r.blockedUntil).filter((t) => t > now));
      if (until > now) return until;
      for (const key of keys) {
        const row = rows.find((r) => r.key === key);
        const failures = row && now - row.lastFailedAt < FORGET_AFTER_MS ? row.failures + 1 : 1;
        const blockedUntil = now + lockDurationMs(failures);
        tx.insert(loginThrottle)
          .values({ key, failures, lastFailedAt: now, blockedUntil })
          .onConflictDoUpdate({ target: loginThrottle.key, set: { failures, lastFailedAt: now, blockedUntil } })
          .run();
      }
      return 0;
    },
    { behavior: 'immediate' },
  );
}

/** The password was right: forget the account's failures and take back the one counted for this attempt. */
export function loginSucceeded(keys: string[]) {
  const [accountKey, ...otherKeys] = keys;
  const db = getDb();
  db.transaction((tx) => {
    tx.delete(loginThrottle).where(eq(loginThrottle.key, accountKey!)).run();
    for (const key of otherKeys) {
      const row = tx.select().from(loginThrottle).where(eq(loginThrottle.key, key)).get();
      if (!row) continue;
      const failures = Math.max(0, row.failures - 1);
      tx.update(loginThrottle)
        .set({ failures, blockedUntil: failures < FREE_FAILURES ? 0 : row.blockedUntil })
        .where(eq(loginThrottle.key, key))
        .run();
    }
  });
}

export function pruneLoginThrottle(now = Date.now()) {
  getDb()
    .delete(loginThrottle)
    .where(sql`${loginThrottle.lastFailedAt} < ${now - FORGET_AFTER_MS} and ${loginThrottle.blockedUntil} < ${now}`)
    .run();
}
