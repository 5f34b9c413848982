import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';

import { getUser } from '~/platform/auth.server';
import { getDb } from '~/platform/db.server';
import { login } from '~/platform/login.server';
import { deleteUserSessions } from '~/platform/session.server';
import { setUserDisabled } from '~/users/users.server';

import { auditEvents, sessions } from '../../db/schema';
import { useTestDatabase } from '../helpers/database';
import { createTestUser, requestAs, TEST_PASSWORD } from '../helpers/users';

useTestDatabase({ SESSION_IDLE_MINUTES: '30', SESSION_ABSOLUTE_HOURS: '12' });

function loginRequest(ip = '10.0.0.1') {
  return new Request('http://127.0.0.1:3000/login', { method: 'POST', headers: { 'x-keyed-client-ip': ip, 'User-Agent': 'vitest' } });
}

function cookieFrom(headers: Headers) {
  return headers.get('Set-Cookie')!.split(';')[0]!;
}

describe('login', () => {
  it('gives the same answer for an unknown email and a wrong password, and audits both', async () => {
    await createTestUser('staff');
    const unknown = await login(loginRequest(), 'nobody@keyed.test', TEST_PASSWORD);
    const wrong = await login(loginRequest(), 'staff@keyed.test', 'wrong password');
    expect(unknown).toEqual({ ok: false, reason: 'invalid' });
    expect(wrong).toEqual(unknown);
    const failures = getDb().select().from(auditEvents).where(eq(auditEvents.action, 'login.failed')).all();
    expect(failures).toHaveLength(2);
    expect(JSON.stringify(failures)).not.toContain('wrong password');
  });

  it('logs in with a fresh 256-bit session id, case-insensitively by email', async () => {
    const user = await createTestUser('finance', 'finance@keyed.test', { twoFactor: false });
    const result = await login(loginRequest(), '  Finance@Keyed.test ', TEST_PASSWORD);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const row = getDb().select().from(sessions).where(eq(sessions.userId, user.id)).get()!;
    expect(Buffer.from(row.id, 'base64url')).toHaveLength(32);
    const cookie = result.headers.get('Set-Cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const me = await getUser(new Request('http://127.0.0.1:3000/', { headers: { Cookie: cookieFrom(result.headers) } }));
    expect(me?.email).toBe('finance@keyed.test');
  });

  it('uses the __Host- prefix and Secure over HTTPS', async () => {
    await createTestUser('staff');
    const result = await login(new Request('https://keyed.example/login', { method: 'POST' }), 'staff@keyed.test', TEST_PASSWORD);
    expect(result.ok && result.headers.get('Set-Cookie')).toMatch(/^__Host-keyed_session=.*; Secure/i);
  });

  it('replaces a session id planted before login', async () => {
    const user = await createTestUser('staff');
    const planted = await requestAs(user.id, '/login');
    const plantedCookie = planted.headers.get('Cookie')!;
    const result = await login(
      new Request('http://127.0.0.1:3000/login', { method: 'POST', headers: { Cookie: plantedCookie } }),
      'staff@keyed.test',
      TEST_PASSWORD,
    );
    expect(result.ok).toBe(true);
    expect(await getUser(new Request('http://127.0.0.1:3000/', { headers: { Cookie: plantedCookie } }))).toBeNull();
  });
});

describe('sessions', () => {
  async function loggedIn() {
    const user = await createTestUser('staff');
    const request = await requestAs(user.id, '/dashboard');
    return { user, request };
  }

  it('expires after 30 idle minutes', async () => {
    const { request } = await loggedIn();
    expect(await getUser(request)).not.toBeNull();
    getDb()
      .update(sessions)
      .set({ lastSeenAt: Date.now() - 30 * 60_000 - 1 })
      .run();
    expect(await getUser(request)).toBeNull();
    expect(getDb().select().from(sessions).all()).toHaveLength(0);
  });

  it('expires 12 hours after login even when active', async () => {
    const { request } = await loggedIn();
    getDb()
      .update(sessions)
      .set({ expiresAt: Date.now() - 1, lastSeenAt: Date.now() })
      .run();
    expect(await getUser(request)).toBeNull();
  });

  it('ends every session of a disabled user at once', async () => {
    const { user, request } = await loggedIn();
    const manager = await createTestUser('manager');
    const second = await requestAs(user.id, '/invoices');
    expect(setUserDisabled({ id: user.id, disabled: true }, { id: manager.id })).toEqual({ ok: true, id: user.id });
    expect(await getUser(request)).toBeNull();
    expect(await getUser(second)).toBeNull();
    expect(await login(loginRequest(), user.email, TEST_PASSWORD)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('revokes sessions without touching other users', async () => {
    const { user, request } = await loggedIn();
    const other = await createTestUser('finance');
    const otherRequest = await requestAs(other.id, '/dashboard');
    expect(deleteUserSessions(user.id)).toBe(1);
    expect(await getUser(request)).toBeNull();
    expect(await getUser(otherRequest)).not.toBeNull();
  });

  it('ignores forged or tampered cookies', async () => {
    await loggedIn();
    const forged = new Request('http://127.0.0.1:3000/', { headers: { Cookie: 'keyed_session=InNvbWV0aGluZyI%3D.badsignature' } });
    expect(await getUser(forged)).toBeNull();
  });
});

describe('redirect after login', () => {
  it('keeps paths on this site and refuses everything that a browser would resolve elsewhere', async () => {
    const { safeRedirect } = await import('~/platform/auth.server');
    expect(safeRedirect('/invoices?q=a#top')).toBe('/invoices?q=a#top');
    for (const evil of ['//evil.com', '/\\evil.com', '/\t/evil.com', '/\n/evil.com', 'https://evil.com', 'javascript:alert(1)', '', null]) {
      expect(safeRedirect(evil)).toBe('/dashboard');
    }
  });
});
