import { eq, inArray, sql } from 'drizzle-orm';

import { loginThrottle } from '../../db/schema';
import { getDb } from './db.server';

/**
 * Login throttling as OWASP ASVS (2.2.1) and its "device cookies" advice describe it. Each attempt counts against
 * several keys, each with its own free failures before an exponential delay (30 s, 1 min, 2 min … 15 min):
 * - `account-ip:` one account from one IP (5): a guesser at one place;
 * - `ip:` one IP, any account (20, so an office behind one address is not locked by a few typos): password spraying;
 * - `account:` one account from anywhere (10): a guesser spread over many IPs;
 * - `device:` a browser that logged in to this account before (5), which is exempt from the three above, so an
 *   attacker elsewhere can never keep the owner out of their own account;
 * - `two-factor:` one account's second-factor codes (5).
 * Counters live in the database, so several instances on one database share them.
 */
export type ThrottleKind = 'account-ip' | 'ip' | 'account' | 'device' | 'two-factor';

const FREE_FAILURES: Record<ThrottleKind, number> = { 'account-ip': 5, ip: 20, account: 10, device: 5, 'two-factor': 5 };
const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;
// A key with no failure for an hour starts afresh.
const FORGET_AFTER_MS = 60 * 60_000;

export function freeFailures(kind: ThrottleKind) {
  return FREE_FAILURES[kind];
}

export function lockDurationMs(kind: ThrottleKind, failures: number) {
  const free = FREE_FAILURES[kind];
  if (failures < free) return 0;
  return Math.min(BASE_LOCK_MS * 2 ** (failures - free), MAX_LOCK_MS);
}

export function throttleKey(kind: ThrottleKind, ...parts: string[]) {
  return `${kind}:${parts.join('|')}`;
}

function kindOf(key: string): ThrottleKind {
  return key.slice(0, key.indexOf(':')) as ThrottleKind;
}

/**
 * The keys a password attempt counts against. The first is the attempt's own key: the one a success clears.
 * A browser holding this account's device cookie counts only against its own device key.
 */
export function loginThrottleKeys({ email, ip, deviceId }: { email: string; ip: string | null; deviceId: string | null }): string[] {
  const account = email.trim().toLowerCase();
  if (deviceId) return [throttleKey('device', deviceId)];
  const keys = [throttleKey('account-ip', account, ip ?? 'unknown'), throttleKey('account', account)];
  if (ip) keys.push(throttleKey('ip', ip));
  return keys;
}

type Counted = { key: string; previous: { failures: number; lastFailedAt: number; blockedUntil: number } | null; failures: number; at: number };
export type AttemptTicket = { keys: string[]; counted: Counted[] };
export type AttemptStart = { ok: true; ticket: AttemptTicket } | { ok: false; until: number };

/**
 * Counts an attempt as a failure before the secret is checked, in one transaction with the lock check, so parallel
 * guesses cannot all slip past a lock that only the first of them would set. Refused attempts are not counted: a
 * lock ends when it says it ends. On success, pass the ticket to `attemptSucceeded`.
 */
export function beginAttempt(keys: string[], now = Date.now()): AttemptStart {
  return getDb().transaction(
    (tx) => {
      const rows = tx.select().from(loginThrottle).where(inArray(loginThrottle.key, keys)).all();
      const until = Math.max(0, ...rows.map((r) => r.blockedUntil));
      if (until > now) return { ok: false, until };
      const counted: Counted[] = [];
      for (const key of keys) {
        const row = rows.find((r) => r.key === key) ?? null;
        const failures = row && now - row.lastFailedAt < FORGET_AFTER_MS ? row.failures + 1 : 1;
        const blockedUntil = now + lockDurationMs(kindOf(key), failures);
        tx.insert(loginThrottle)
          .values({ key, failures, lastFailedAt: now, blockedUntil })
          .onConflictDoUpdate({ target: loginThrottle.key, set: { failures, lastFailedAt: now, blockedUntil } })
          .run();
        counted.push({ key, previous: row && { failures: row.failures, lastFailedAt: row.lastFailedAt, blockedUntil: row.blockedUntil }, failures, at: now });
      }
      return { ok: true, ticket: { keys, counted } };
    },
    { behavior: 'immediate' },
  );
}

/**
 * The secret was right. The attempt's own key (the first) is cleared; on every other key the failure counted for
 * this attempt is taken back exactly, lock included, so a success never re-arms a lock. Failures others made
 * meanwhile stay counted: a success at one place does not wipe an attacker's count at another.
 */
export function attemptSucceeded(ticket: AttemptTicket) {
  const [ownKey] = ticket.keys;
  getDb().transaction(
    (tx) => {
      tx.delete(loginThrottle).where(eq(loginThrottle.key, ownKey!)).run();
      for (const counted of ticket.counted) {
        if (counted.key === ownKey) continue;
        const row = tx.select().from(loginThrottle).where(eq(loginThrottle.key, counted.key)).get();
        if (!row) continue;
        const untouchedSince = row.failures === counted.failures && row.lastFailedAt === counted.at;
        if (untouchedSince && !counted.previous) {
          tx.delete(loginThrottle).where(eq(loginThrottle.key, counted.key)).run();
        } else if (untouchedSince && counted.previous) {
          tx.update(loginThrottle).set(counted.previous).where(eq(loginThrottle.key, counted.key)).run();
        } else {
          tx.update(loginThrottle)
            .set({ failures: Math.max(0, row.failures - 1) })
            .where(eq(loginThrottle.key, counted.key))
            .run();
        }
      }
    },
    { behavior: 'immediate' },
  );
}

export function pruneLoginThrottle(now = Date.now()) {
  getDb()
    .delete(loginThrottle)
    .where(sql`${loginThrottle.lastFailedAt} < ${now - FORGET_AFTER_MS} and ${loginThrottle.blockedUntil} < ${now}`)
    .run();
}
