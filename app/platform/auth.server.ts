import { redirect } from '@remix-run/node';
import { and, eq, isNull } from 'drizzle-orm';

import { type Role, twoFactorCredentials, users } from '../../db/schema';
import { audit, clientIp } from './audit.server';
import { getDb } from './db.server';
import { can, type Permission } from './permissions';
import { deleteSession, findLiveSession, readSessionId, sessionCookie } from './session.server';
import { twoFactorRequired } from './two-factor.server';

export type SessionUser = {
  id: number;
  email: string;
  name: string;
  role: Role;
  locale: 'en' | 'fr-CA' | null;
  sessionId: string;
  /** The user's role must log in with a second factor (never a demo account in sandbox mode). */
  twoFactorRequired: boolean;
  /** Required, and the user has none yet: every page but enrolment sends them there. */
  mustEnrolTwoFactor: boolean;
};

// The pages a user who must enrol a second factor can still reach.
const ENROLMENT_PATHS = new Set(['/account/two-factor', '/logout']);

export async function getUser(request: Request): Promise<SessionUser | null> {
  const sessionId = await readSessionId(request);
  if (!sessionId) return null;
  const session = findLiveSession(sessionId);
  if (!session) return null;
  const row = getDb()
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      locale: users.locale,
      demoAccount: users.demoAccount,
      twoFactorConfirmedAt: twoFactorCredentials.confirmedAt,
    })
    .from(users)
    .leftJoin(twoFactorCredentials, eq(twoFactorCredentials.userId, users.id))
    .where(and(eq(users.id, session.userId), isNull(users.disabledAt)))
    .get();
  if (!row) return null;
  const { demoAccount, twoFactorConfirmedAt, ...user } = row;
  const required = twoFactorRequired({ role: user.role, demoAccount });
  return { ...user, sessionId, twoFactorRequired: required, mustEnrolTwoFactor: required && !twoFactorConfirmedAt };
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
  if (user.mustEnrolTwoFactor && !ENROLMENT_PATHS.has(new URL(request.url).pathname)) throw redirect('/account/two-factor');
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

export async function logout(request: Request) {
  const sessionId = await readSessionId(request);
  if (sessionId) {
    const user = await getUser(request);
    deleteSession(sessionId);
    if (user) audit({ actorUserId: user.id, action: 'logout', subjectType: 'user', subjectId: user.id, ip: clientIp(request) });
  }
  return redirect('/login', { headers: await clearedSessionHeaders(request) });
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
