import { createHash } from 'node:crypto';

import { createCookie } from '@remix-run/node';
import { eq } from 'drizzle-orm';
import { z } from 'zod';

import { type Role, users } from '../../db/schema';
import { audit, clientIp } from './audit.server';
import { cookieName, secureCookies } from './cookies.server';
import { getDb } from './db.server';
import { rememberDevice, trustedDeviceId } from './device-cookie.server';
import { getMetrics } from './metrics.server';
import { getDummyHash, verifyPassword } from './password.server';
import { createSessionRow, deleteSession, readSessionId, sessionCookie, sessionSecrets } from './session.server';
import { attemptSucceeded, beginAttempt, loginThrottleKeys, throttleKey } from './throttle.server';
import { isTwoFactorEnrolled, verifySecondFactor } from './two-factor.server';

// Between a right password and the second factor: long enough to open an authenticator app, short enough to forget.
const SECOND_FACTOR_WINDOW_MS = 5 * 60_000;
const PendingLogin = z.object({ u: z.number().int().positive(), exp: z.number() });

function pendingLoginCookie(request: Request) {
  const secure = secureCookies(request);
  return createCookie(cookieName('keyed_pending_login', secure), { httpOnly: true, sameSite: 'lax', secure, path: '/', secrets: sessionSecrets() });
}

export type LoginResult =
  | { ok: true; secondFactor: false; headers: Headers; user: { id: number; role: Role } }
  /** The password was right and the account has a second factor: the pending-login cookie is in headers. */
  | { ok: true; secondFactor: true; headers: Headers }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

export type SecondFactorResult =
  | { ok: true; headers: Headers; user: { id: number; role: Role }; recoveryCodesLeft: number; method: 'totp' | 'recovery_code' }
  | { ok: false; reason: 'expired' | 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

function throttled(until: number, now: number) {
  return { ok: false as const, reason: 'throttled' as const, retryAfterSeconds: Math.ceil((until - now) / 1000) };
}

/** The password step. Throttled per account-and-IP, per IP and per account, or per device for a browser used before. */
export async function login(request: Request, email: string, password: string): Promise<LoginResult> {
  const ip = clientIp(request);
  const normalizedEmail = email.trim().toLowerCase();
  const user = getDb()
    .select({ id: users.id, role: users.role, passwordHash: users.passwordHash, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.email, normalizedEmail))
    .get();
  const deviceId = await trustedDeviceId(request, user?.id ?? null);
  const now = Date.now();
  const start = beginAttempt(loginThrottleKeys({ email: normalizedEmail, ip, deviceId }), now);
  if (!start.ok) {
    audit({ actorUserId: null, action: 'login.throttled', ip, details: { ...auditedEmail(normalizedEmail, user ?? null), device: Boolean(deviceId) } });
    getMetrics().loginThrottled.inc();
    return throttled(start.until, now);
  }

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
    getMetrics().loginFailures.inc();
    return { ok: false, reason: 'invalid' };
  }
  attemptSucceeded(start.ticket);

  if (isTwoFactorEnrolled(user.id)) {
    audit({ actorUserId: user.id, action: 'login.password_accepted', subjectType: 'user', subjectId: user.id, ip });
    const pending = await pendingLoginCookie(request).serialize({ u: user.id, exp: now + SECOND_FACTOR_WINDOW_MS });
    return { ok: true, secondFactor: true, headers: new Headers({ 'Set-Cookie': pending }) };
  }
  return { ok: true, secondFactor: false, headers: await startSession(request, user.id, ip), user: { id: user.id, role: user.role } };
}

/** The user id waiting for its second factor, while the pending-login cookie is valid. */
export async function pendingSecondFactor(request: Request, now = Date.now()): Promise<{ userId: number } | null> {
  const parsed = PendingLogin.safeParse(await pendingLoginCookie(request).parse(request.headers.get('Cookie')));
  if (!parsed.success || parsed.data.exp <= now) return null;
  return { userId: parsed.data.u };
}

/** The second step: a TOTP code or a recovery code, throttled per account. */
export async function completeSecondFactor(request: Request, code: string): Promise<SecondFactorResult> {
  const now = Date.now();
  const pending = await pendingSecondFactor(request, now);
  if (!pending) return { ok: false, reason: 'expired' };
  const ip = clientIp(request);
  const user = getDb().select({ id: users.id, role: users.role, disabledAt: users.disabledAt }).from(users).where(eq(users.id, pending.userId)).get();
  if (!user || user.disabledAt) return { ok: false, reason: 'expired' };
  const start = beginAttempt([throttleKey('two-factor', String(user.id))], now);
  if (!start.ok) {
    audit({ actorUserId: null, action: 'login.two_factor_throttled', subjectType: 'user', subjectId: user.id, ip });
    return throttled(start.until, now);
  }
  const check = verifySecondFactor({ userId: user.id, code }, now);
  if (!check.ok) {
    audit({ actorUserId: user.id, action: 'login.two_factor_failed', subjectType: 'user', subjectId: user.id, ip });
    return { ok: false, reason: 'invalid' };
  }
  attemptSucceeded(start.ticket);
  const headers = await startSession(request, user.id, ip, { method: check.method });
  headers.append('Set-Cookie', await pendingLoginCookie(request).serialize('', { maxAge: 0 }));
  return { ok: true, headers, user: { id: user.id, role: user.role }, recoveryCodesLeft: check.recoveryCodesLeft, method: check.method };
}

/** A complete login: a fresh session id (an id planted before login is worthless) and this browser remembered. */
async function startSession(request: Request, userId: number, ip: string | null, details?: Record<string, unknown>) {
  const previous = await readSessionId(request);
  if (previous) deleteSession(previous);
  const sessionId = createSessionRow(userId, { ip, userAgent: request.headers.get('User-Agent') });
  audit({ actorUserId: userId, action: 'login.succeeded', subjectType: 'user', subjectId: userId, ip, details });
  const headers = new Headers();
  headers.append('Set-Cookie', await sessionCookie(request).serialize(sessionId));
  headers.append('Set-Cookie', await rememberDevice(request, userId));
  return headers;
}

/**
 * What the audit log keeps of a typed email: the address of a real account, but only a short hash of
 * anything else, because people sometimes type their password into the email field.
 */
function auditedEmail(email: string, account: { id: number } | null) {
  if (account) return { email };
  return { emailHash: createHash('sha256').update(email).digest('hex').slice(0, 16) };
}
