import { createHash } from 'node:crypto';

import { redirect } from '@remix-run/node';
import { and, eq, isNull } from 'drizzle-orm';

import { type Role, users } from '../../db/schema';
import { audit, clientIp } from './audit.server';
import { getDb } from './db.server';
import { getDummyHash, verifyPassword } from './password.server';
import { can, type Permission } from './permissions';
import { createSessionRow, deleteSession, findLiveSession, sessionCookie } from './session.server';
import { beginLoginAttempt, loginSucceeded, throttleKeys } from './throttle.server';

export type SessionUser = { id: number; email: string; name: string; role: Role; locale: 'en' | 'fr-CA' | null; sessionId: string };

async function readSessionId(request: Request): Promise<string | null> {
  const value = await sessionCookie(request).parse(request.headers.get('Cookie'));
  return typeof value === 'string' && value.length >= 22 ? value : null;
}

export async function getUser(request: Request): Promise<SessionUser | null> {
  const sessionId = await readSessionId(request);
  if (!sessionId) return null;
  const session = findLiveSession(sessionId);
  if (!session) return null;
  const user = getDb()
    .select({ id: users.id, email: users.email, name: users.name, role: users.role, locale: users.locale })
    .from(users)
    .where(and(eq(users.id, session.userId), isNull(users.disabledAt)))
    .get();
  return user ? { ...user, sessionId } : null;
}

/** Throws a redirect to the login page (remembering where the user was going) when no one is logged in. */
export async function requireUser(request: Request): Promise<SessionUser> {
  const user = await getUser(request);
  if (!user) {
    const url = new URL(request.url);
    const redirectTo = `${url.pathname}${url.search}`;
    const params = redirectTo === '/' ? '' : `?${new URLSearchParams({ redirectTo })}`;
    throw redirect(`/login${params}`, { headers: await clearedSessionHeaders(request) });
  }
  return user;
}

/** Throws a 403 response (rendered by the shared error boundary) when the user's role lacks the permission. */
export async function requirePermission(request: Request, permission: Permission): Promise<SessionUser> {
  const user = await requireUser(request);
  if (!can(user.role, permission)) {
    throw new Response('Forbidden', { status: 403, statusText: 'Forbidden' });
  }
  return user;
}

export type LoginResult =
  | { ok: true; headers: Headers; user: { id: number; role: Role } }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

export async function login(request: Request, email: string, password: string): Promise<LoginResult> {
  const ip = clientIp(request);
  const normalizedEmail = email.trim().toLowerCase();
  const keys = throttleKeys(normalizedEmail, ip);
  const now = Date.now();
  const until = beginLoginAttempt(keys, now);
  if (until > now) {
    audit({ actorUserId: null, action: 'login.throttled', ip, details: auditedEmail(normalizedEmail, null) });
    return { ok: false, reason: 'throttled', retryAfterSeconds: Math.ceil((until - now) / 1000) };
  }

  const user = getDb()
    .select({ id: users.id, role: users.role, passwordHash: users.passwordHash, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.email, normalizedEmail))
    .get();
  // Verify even for unknown emails so timing does not reveal which accounts exist.
  const passwordOk = await verifyPassword(password, user?.passwordHash ?? (await getDummyHash()));
  if (!user || !passwordOk || user.disabledAt) {
    audit({
      actorUserId: user?.id ?? null,
      action: 'login.failed',
      subjectType: user ? 'user' : undefined,
      subjectId: user?.id,
      ip,
      details: { ...auditedEmail(normalizedEmail, user ?? null), reason: !user ? 'unknown_email' : user.disabledAt ? 'disabled' : 'bad_password' },
    });
    return { ok: false, reason: 'invalid' };
  }

  loginSucceeded(keys);
  // A fresh id at every login, so an id planted before login is worthless.
  const previous = await readSessionId(request);
  if (previous) deleteSession(previous);
  const sessionId = createSessionRow(user.id, { ip, userAgent: request.headers.get('User-Agent') });
  audit({ actorUserId: user.id, action: 'login.succeeded', subjectType: 'user', subjectId: user.id, ip });
  const headers = new Headers({ 'Set-Cookie': await sessionCookie(request).serialize(sessionId) });
  return { ok: true, headers, user: { id: user.id, role: user.role } };
}

export async function logout(request: Request) {
  const sessionId = await readSessionId(request);
  if (sessionId) {
    const user = await getUser(request);
    deleteSession(sessionId);
    if (user) audit({ actorUserId: user.id, action: 'logout', subjectType: 'user', subjectId: user.id, ip: clientIp(request) });
  }
  return redirect('/login', { headers: await clearedSessionHeaders(request) });
}

/**
 * What the audit log keeps of a typed email: the address of a real account, but only a short hash of
 * anything else, because people sometimes type their password into the email field.
 */
function auditedEmail(email: string, account: { id: number } | null) {
  if (account) return { email };
  return { emailHash: createHash('sha256').update(email).digest('hex').slice(0, 16) };
}

async function clearedSessionHeaders(request: Request) {
  return { 'Set-Cookie': await sessionCookie(request).serialize('', { maxAge: 0 }) };
}

/**
 * Only paths on this site. Resolved the way a browser would (which strips tabs and newlines and reads
 * backslashes as slashes), so "/\t/evil.com" or "/\\evil.com" cannot send a user elsewhere after login.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = '/dashboard') {
  if (typeof to !== 'string' || !to.startsWith('/')) return fallback;
  const base = 'http://keyed.invalid';
  let url: URL;
  try {
    url = new URL(to, base);
  } catch {
    return fallback;
  }
  return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : fallback;
}
