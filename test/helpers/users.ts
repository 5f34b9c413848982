import { getDb } from '~/platform/db.server';
import { hashPassword } from '~/platform/password.server';
import { createSessionRow, sessionCookie } from '~/platform/session.server';

import { type Role, twoFactorCredentials, users } from '../../db/schema';

export const TEST_PASSWORD = 'correct horse battery';
/** The authenticator secret of test users created with two-factor on (base32, as an authenticator app holds it). */
export const TEST_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
let hash: Promise<string> | undefined;

/**
 * Inserts a user directly (the hash is computed once per file: scrypt at OWASP cost is slow on purpose). Finance and
 * managers get a confirmed authenticator by default, as their role requires one; pass `twoFactor` to choose.
 */
export async function createTestUser(role: Role, email = `${role}@keyed.test`, { twoFactor = role !== 'staff' }: { twoFactor?: boolean } = {}) {
  hash ??= hashPassword(TEST_PASSWORD);
  const now = Date.now();
  const user = getDb()
    .insert(users)
    .values({ email, name: `Test ${role}`, role, passwordHash: await hash, createdAt: now, updatedAt: now })
    .returning()
    .get();
  if (twoFactor) getDb().insert(twoFactorCredentials).values({ userId: user.id, secret: TEST_TOTP_SECRET, confirmedAt: now }).run();
  return user;
}

const BASE = 'http://127.0.0.1:3000';

/** A request carrying a real session cookie for the user, as the browser would send it. */
export async function requestAs(userId: number | null, path: string, init: RequestInit & { form?: Record<string, string> } = {}) {
  const url = `${BASE}${path}`;
  const headers = new Headers(init.headers);
  if (userId !== null) {
    const sessionId = createSessionRow(userId, { ip: '127.0.0.1', userAgent: 'vitest' });
    const setCookie = await sessionCookie(new Request(url)).serialize(sessionId);
    headers.set('Cookie', setCookie.split(';')[0]!);
  }
  headers.set('x-keyed-client-ip', '127.0.0.1');
  let body = init.body;
  if (init.form) {
    body = new URLSearchParams(init.form);
    headers.set('Content-Type', 'application/x-www-form-urlencoded');
  }
  return new Request(url, { ...init, headers, body, method: init.method ?? (init.form ? 'POST' : 'GET') });
}

/** Runs a loader or action and returns its Response, whether it returned or threw one. */
export async function respond(fn: () => Promise<unknown> | unknown): Promise<Response> {
  try {
    const result = await fn();
    if (result instanceof Response) return result;
    return new Response(JSON.stringify(result), { status: 200 });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
