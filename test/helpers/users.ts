import { getDb } from '~/platform/db.server';
import { hashPassword } from '~/platform/password.server';
import { createSessionRow, sessionCookie } from '~/platform/session.server';

import { type Role, users } from '../../db/schema';

export const TEST_PASSWORD = 'correct horse battery';
let hash: Promise<string> | undefined;

/** Inserts a user directly (the hash is computed once per file: scrypt at OWASP cost is slow on purpose). */
export async function createTestUser(role: Role, email = `${role}@keyed.test`) {
  hash ??= hashPassword(TEST_PASSWORD);
  const now = Date.now();
  return getDb()
    .insert(users)
    .values({ email, name: `Test ${role}`, role, passwordHash: await hash, createdAt: now, updatedAt: now })
    .returning()
    .get();
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
