import { generateSync } from 'otplib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { getDb } from '~/platform/db.server';
import { completeSecondFactor, login, type LoginResult } from '~/platform/login.server';
import { freeFailures, lockDurationMs } from '~/platform/throttle.server';

import { loginThrottle } from '../../db/schema';
import { useTestDatabase } from '../helpers/database';
import { createTestUser, TEST_PASSWORD, TEST_TOTP_SECRET } from '../helpers/users';

useTestDatabase();

const T0 = Date.UTC(2026, 10, 2, 9, 0, 0);
beforeEach(() => {
  // Only the clock: scrypt and the database keep running for real.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());
const advance = (ms: number) => vi.setSystemTime(Date.now() + ms);

function loginRequest(ip: string, cookie?: string) {
  const headers: Record<string, string> = { 'x-keyed-client-ip': ip, 'User-Agent': 'vitest' };
  if (cookie) headers.Cookie = cookie;
  return new Request('http://127.0.0.1:3000/login', { method: 'POST', headers });
}

/** The device cookie a complete login leaves in the browser, as the browser would send it back. */
function deviceCookie(result: LoginResult) {
  if (!result.ok) throw new Error('login failed');
  const cookie = result.headers.getSetCookie().find((c) => c.startsWith('keyed_device='));
  return cookie!.split(';')[0]!;
}

const isThrottled = (r: LoginResult) => !r.ok && r.reason === 'throttled';
const row = (key: string) =>
  getDb()
    .select()
    .from(loginThrottle)
    .all()
    .find((r) => r.key === key);

describe('login throttling (ASVS 2.2.1, OWASP device cookies)', () => {
  it('backs off exponentially per key kind: 30 s, 1 min, 2 min … capped at 15 minutes', () => {
    expect(lockDurationMs('account-ip', freeFailures('account-ip') - 1)).toBe(0);
    expect(lockDurationMs('account-ip', freeFailures('account-ip'))).toBe(30_000);
    expect(lockDurationMs('account-ip', freeFailures('account-ip') + 1)).toBe(60_000);
    expect(lockDurationMs('ip', freeFailures('ip') + 2)).toBe(120_000);
    expect(lockDurationMs('account', freeFailures('account') + 30)).toBe(15 * 60_000);
    expect(freeFailures('ip')).toBeGreaterThan(freeFailures('account')); // an office shares one address
  });

  it('locks one account from one IP after five failures, while the same account from another IP still works', async () => {
    await createTestUser('staff');
    for (let i = 0; i < freeFailures('account-ip'); i++)
      expect(await login(loginRequest('10.0.0.1'), 'staff@keyed.test', 'wrong guess')).toEqual({ ok: false, reason: 'invalid' });
    const locked = await login(loginRequest('10.0.0.1'), 'staff@keyed.test', TEST_PASSWORD);
    expect(locked).toMatchObject({ ok: false, reason: 'throttled', retryAfterSeconds: 30 });
    expect((await login(loginRequest('10.0.0.2'), 'staff@keyed.test', TEST_PASSWORD)).ok).toBe(true);
    // The counters live in the database, where several instances share them.
    expect(row('account-ip:staff@keyed.test|10.0.0.1')).toMatchObject({ failures: 5, blockedUntil: T0 + 30_000 });
  });

  it('locks an IP that sprays passwords over many accounts', async () => {
    await createTestUser('staff');
    for (let i = 0; i < freeFailures('ip'); i++) await login(loginRequest('10.9.9.9'), `guess${i}@keyed.test`, 'whatever1');
    expect(isThrottled(await login(loginRequest('10.9.9.9'), 'staff@keyed.test', TEST_PASSWORD))).toBe(true);
    expect((await login(loginRequest('10.1.1.1'), 'staff@keyed.test', TEST_PASSWORD)).ok).toBe(true);
  }, 90_000);

  it('never re-arms a lock on success: after the lock ends, the owner logs in again and again', async () => {
    await createTestUser('staff');
    for (let i = 0; i < freeFailures('ip'); i++) await login(loginRequest('10.3.3.3'), `spray${i}@keyed.test`, 'whatever1');
    expect(isThrottled(await login(loginRequest('10.3.3.3'), 'staff@keyed.test', TEST_PASSWORD))).toBe(true);
    advance(31_000);
    for (let i = 0; i < 3; i++) {
      expect((await login(loginRequest('10.3.3.3'), 'staff@keyed.test', TEST_PASSWORD)).ok, `login ${i + 1}`).toBe(true);
    }
    // The IP's count is what the spray left, and its lock is the one that already ended.
    expect(row('ip:10.3.3.3')).toMatchObject({ failures: freeFailures('ip'), blockedUntil: T0 + 30_000 });
  }, 90_000);

  it('clears only its own key: an attacker’s count elsewhere survives the owner’s success', async () => {
    await createTestUser('staff');
    for (let i = 0; i < 4; i++) await login(loginRequest('10.6.6.6'), 'staff@keyed.test', 'attacker guess');
    expect((await login(loginRequest('10.0.0.5'), 'staff@keyed.test', TEST_PASSWORD)).ok).toBe(true);
    expect(row('account-ip:staff@keyed.test|10.0.0.5')).toBeUndefined();
    expect(row('account-ip:staff@keyed.test|10.6.6.6')).toMatchObject({ failures: 4 });
    expect(row('account:staff@keyed.test')).toMatchObject({ failures: 4 });
    await login(loginRequest('10.6.6.6'), 'staff@keyed.test', 'attacker guess');
    expect(isThrottled(await login(loginRequest('10.6.6.6'), 'staff@keyed.test', 'attacker guess'))).toBe(true);
  });

  it('an attacker spread over many IPs delays the account, but cannot keep the owner out of a browser they used before', async () => {
    await createTestUser('staff');
    const device = deviceCookie(await login(loginRequest('10.0.0.7'), 'staff@keyed.test', TEST_PASSWORD));
    // Ten guesses from ten addresses lock the account key; then one more each time the lock ends, from yet another
    // address, is all an attacker needs to hold it (the delay doubles each time).
    for (let i = 0; i < freeFailures('account'); i++) await login(loginRequest(`172.16.0.${i}`), 'staff@keyed.test', 'distributed guess');
    for (let i = 0; i < 5; i++) {
      vi.setSystemTime(row('account:staff@keyed.test')!.blockedUntil);
      expect(await login(loginRequest(`172.16.1.${i}`), 'staff@keyed.test', 'distributed guess')).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(isThrottled(await login(loginRequest('10.0.0.8'), 'staff@keyed.test', TEST_PASSWORD))).toBe(true);
    // The owner, from the browser they logged in with before (even on another network), is let in at once.
    expect((await login(loginRequest('192.0.2.44', device), 'staff@keyed.test', TEST_PASSWORD)).ok).toBe(true);
  }, 90_000);

  it('a device cookie has its own limit, so a stolen one cannot guess without end', async () => {
    await createTestUser('staff');
    const device = deviceCookie(await login(loginRequest('10.0.0.9'), 'staff@keyed.test', TEST_PASSWORD));
    for (let i = 0; i < freeFailures('device'); i++) await login(loginRequest('10.0.0.9', device), 'staff@keyed.test', 'wrong again');
    expect(isThrottled(await login(loginRequest('10.0.0.9', device), 'staff@keyed.test', TEST_PASSWORD))).toBe(true);
    // A device cookie is for its own account only.
    await createTestUser('staff', 'other@keyed.test');
    expect((await login(loginRequest('10.0.0.9', device), 'other@keyed.test', TEST_PASSWORD)).ok).toBe(true);
  });

  it('counts parallel guesses before checking them: 20 at once get at most 5 tries', async () => {
    await createTestUser('manager');
    const results = await Promise.all(Array.from({ length: 20 }, () => login(loginRequest('10.5.5.5'), 'manager@keyed.test', 'parallel guess')));
    expect(results.filter((r) => !r.ok && r.reason === 'invalid')).toHaveLength(freeFailures('account-ip'));
    expect(results.filter(isThrottled)).toHaveLength(20 - freeFailures('account-ip'));
  });

  it('throttles second-factor codes per account: five wrong codes, then a wait even for the right one', async () => {
    await createTestUser('manager');
    const first = await login(loginRequest('10.7.7.7'), 'manager@keyed.test', TEST_PASSWORD);
    expect(first).toMatchObject({ ok: true, secondFactor: true });
    const pending = first.ok ? first.headers.getSetCookie()[0]!.split(';')[0]! : '';
    for (let i = 0; i < freeFailures('two-factor'); i++) {
      expect(await completeSecondFactor(loginRequest('10.7.7.7', pending), '000000')).toEqual({ ok: false, reason: 'invalid' });
    }
    const right = generateSync({ secret: TEST_TOTP_SECRET, epoch: Math.floor(Date.now() / 1000) });
    expect(await completeSecondFactor(loginRequest('10.7.7.7', pending), right)).toMatchObject({ ok: false, reason: 'throttled' });
    advance(31_000);
    const next = generateSync({ secret: TEST_TOTP_SECRET, epoch: Math.floor(Date.now() / 1000) });
    expect(await completeSecondFactor(loginRequest('10.7.7.7', pending), next)).toMatchObject({ ok: true, method: 'totp' });
  });
});
