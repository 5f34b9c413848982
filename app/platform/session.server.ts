import { createHash, randomBytes } from 'node:crypto';

import { type Cookie, createCookie } from '@remix-run/node';
import { eq, lt, or } from 'drizzle-orm';

import { sessions } from '../../db/schema';
import { cookieName, secureCookies } from './cookies.server';
import { getDb } from './db.server';
import { getEnv } from './env.server';

// Only used in sandbox mode, where start-up allows SESSION_SECRET to be unset; the cookie's
// value is a 256-bit random id checked against the database, so the signature is a second lock.
const SANDBOX_FALLBACK_SECRET = 'keyed-sandbox-mode-only-session-secret';
// Writing last_seen_at on every request would make every page view a write; a minute is precise enough.
const TOUCH_INTERVAL_MS = 60_000;

const cookies = new Map<string, Cookie>();

/** SESSION_SECRET, comma-separated to rotate: the first signs, all verify. */
export function sessionSecrets() {
  const env = getEnv();
  return env.SESSION_SECRET ? env.SESSION_SECRET.split(',').map((s) => s.trim()) : [SANDBOX_FALLBACK_SECRET];
}

export function sessionCookie(request: Request): Cookie {
  const secure = secureCookies(request);
  const secrets = sessionSecrets();
  const name = cookieName('keyed_session', secure);
  const cacheKey = `${name}|${secrets.join(',')}`;
  let cookie = cookies.get(cacheKey);
  if (!cookie) {
    cookie = createCookie(name, { httpOnly: true, sameSite: 'lax', secure, path: '/', secrets });
    cookies.set(cacheKey, cookie);
  }
  return cookie;
}

/** The session id in the request's cookie, when it carries a well-formed, correctly signed one. */
export async function readSessionId(request: Request): Promise<string | null> {
  const value = await sessionCookie(request).parse(request.headers.get('Cookie'));
  return typeof value === 'string' && value.length >= 22 ? value : null;
}

export function sessionLimits() {
  const env = getEnv();
  return { idleMs: env.SESSION_IDLE_MINUTES * 60_000, absoluteMs: env.SESSION_ABSOLUTE_HOURS * 3_600_000 };
}

/**
 * The database holds a SHA-256 of the session id, never the id itself: a copy of the database (a backup, a
 * support dump) then holds nothing a browser could present, even where the cookie's signing secret is known.
 */
function storedId(id: string) {
  return createHash('sha256').update(id).digest('base64url');
}

/** Creates the row and returns the id for the cookie (only its hash is stored). */
export function createSessionRow(userId: number, meta: { ip: string | null; userAgent: string | null }, now = Date.now()) {
  const id = randomBytes(32).toString('base64url');
  const { absoluteMs } = sessionLimits();
  getDb()
    .insert(sessions)
    .values({
      id: storedId(id),
      userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + absoluteMs,
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    })
    .run();
  return id;
}

/** The live session for an id, touching last_seen_at; null (and the row removed) when idle or past its absolute expiry. */
export function findLiveSession(cookieId: string, now = Date.now()) {
  const db = getDb();
  const id = storedId(cookieId);
  const row = db.select().from(sessions).where(eq(sessions.id, id)).get();
  if (!row) return null;
  const { idleMs } = sessionLimits();
  if (now >= row.expiresAt || now - row.lastSeenAt >= idleMs) {
    db.delete(sessions).where(eq(sessions.id, id)).run();
    return null;
  }
  if (now - row.lastSeenAt >= TOUCH_INTERVAL_MS) {
    db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, id)).run();
  }
  return row;
}

export function deleteSession(cookieId: string) {
  getDb()
    .delete(sessions)
    .where(eq(sessions.id, storedId(cookieId)))
    .run();
}

export function deleteUserSessions(userId: number) {
  return getDb().delete(sessions).where(eq(sessions.userId, userId)).run().changes;
}

export function pruneExpiredSessions(now = Date.now()) {
  const { idleMs } = sessionLimits();
  getDb()
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, now - idleMs)))
    .run();
}
