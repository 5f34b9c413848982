import { eq } from 'drizzle-orm';
import { generateSync } from 'otplib';
import { describe, expect, it } from 'vitest';

import { getUser } from '~/platform/auth.server';
import { isCommonPassword } from '~/platform/common-passwords.server';
import { getDb } from '~/platform/db.server';
import { fixedT } from '~/platform/i18n';
import { completeSecondFactor, login } from '~/platform/login.server';
import { confirmEnrolment, startEnrolment, verifySecondFactor } from '~/platform/two-factor.server';
import * as accountTwoFactor from '~/routes/account.two-factor';
import * as dashboard from '~/routes/dashboard';
import * as settingsPage from '~/routes/settings._index';
import { createUserSchema } from '~/users/user-form';

import { recoveryCodes, twoFactorCredentials, users } from '../../db/schema';
import { useTestDatabase } from '../helpers/database';
import { createTestUser, requestAs, respond, TEST_PASSWORD, TEST_TOTP_SECRET } from '../helpers/users';

useTestDatabase();

const codeAt = (secret: string, ms: number) => generateSync({ secret, epoch: Math.floor(ms / 1000) });
const loginRequest = (cookie?: string) =>
  new Request('http://127.0.0.1:3000/login', { method: 'POST', headers: { 'x-keyed-client-ip': '10.0.0.1', ...(cookie ? { Cookie: cookie } : {}) } });
const firstCookie = (headers: Headers) => headers.getSetCookie()[0]!.split(';')[0]!;

describe('passwords', () => {
  const schema = createUserSchema(fixedT('en'), { isCommon: isCommonPassword });
  const user = { email: 'a@keyed.test', name: 'A', role: 'staff' };

  it('need at least 12 characters (PCI DSS v4)', () => {
    const result = schema.safeParse({ ...user, password: 'Tr0ub4dor&3' });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('at least 12');
    expect(schema.safeParse({ ...user, password: 'plinth-oxbow-marigold' }).success).toBe(true);
  });

  it('may not be one of the most common passwords, even with digits or symbols added', () => {
    for (const common of ['password1234', 'qwertyuiop123', '1qaz2wsx3edc', 'Password1234!', 'iloveyou12345']) {
      expect(isCommonPassword(common), common).toBe(true);
      expect(schema.safeParse({ ...user, password: common }).error?.issues[0]?.message).toBe(fixedT('en')('validation.password.common'));
    }
    expect(isCommonPassword('plinth-oxbow-marigold')).toBe(false);
  });
});

describe('two-factor enrolment', () => {
  it('shows a QR code made locally and a key, and turns on with a first code, giving ten hashed recovery codes', async () => {
    const staff = await createTestUser('staff');
    const setup = await startEnrolment({ userId: staff.id, email: staff.email });
    if (!setup.ok) throw new Error('enrolment did not start');
    expect(setup.qrDataUrl).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(setup.qrDataUrl.split(',')[1]!, 'base64').toString()).toContain('<svg');
    expect(confirmEnrolment({ userId: staff.id, code: '123456' }, { id: staff.id })).toEqual({ ok: false, reason: 'bad_code' });
    const done = confirmEnrolment({ userId: staff.id, code: codeAt(setup.secret, Date.now()) }, { id: staff.id });
    expect(done.ok && done.recoveryCodes).toHaveLength(10);
    const stored = getDb().select().from(recoveryCodes).where(eq(recoveryCodes.userId, staff.id)).all();
    expect(stored).toHaveLength(10);
    for (const code of done.ok ? done.recoveryCodes : []) expect(JSON.stringify(stored)).not.toContain(code);
  });

  it('refuses a code already used (replay) and spends a recovery code once', async () => {
    const staff = await createTestUser('staff');
    const setup = await startEnrolment({ userId: staff.id, email: staff.email });
    const now = Date.now();
    const done = setup.ok ? confirmEnrolment({ userId: staff.id, code: codeAt(setup.secret, now) }, { id: staff.id }, now) : null;
    expect(verifySecondFactor({ userId: staff.id, code: codeAt(setup.ok ? setup.secret : '', now) }, now)).toEqual({ ok: false, reason: 'bad_code' });
    const recovery = done?.ok ? done.recoveryCodes[3]! : '';
    expect(verifySecondFactor({ userId: staff.id, code: recovery.toUpperCase() }, now)).toMatchObject({
      ok: true,
      method: 'recovery_code',
      recoveryCodesLeft: 9,
    });
    expect(verifySecondFactor({ userId: staff.id, code: recovery }, now)).toEqual({ ok: false, reason: 'bad_code' });
  });
});

describe('two-factor login', () => {
  it('asks an enrolled user for a code after the password, and opens a session only after it', async () => {
    const manager = await createTestUser('manager');
    const first = await login(loginRequest(), 'manager@keyed.test', TEST_PASSWORD);
    expect(first).toMatchObject({ ok: true, secondFactor: true });
    const pending = first.ok ? firstCookie(first.headers) : '';
    expect(pending).toMatch(/^keyed_pending_login=/);
    expect(await getUser(new Request('http://127.0.0.1:3000/', { headers: { Cookie: pending } }))).toBeNull();
    const done = await completeSecondFactor(loginRequest(pending), codeAt(TEST_TOTP_SECRET, Date.now()));
    expect(done).toMatchObject({ ok: true, method: 'totp', user: { id: manager.id } });
    const session = done.ok ? firstCookie(done.headers) : '';
    expect((await getUser(new Request('http://127.0.0.1:3000/', { headers: { Cookie: session } })))?.id).toBe(manager.id);
  });

  it('forgets a pending login after five minutes', async () => {
    await createTestUser('manager');
    const first = await login(loginRequest(), 'manager@keyed.test', TEST_PASSWORD);
    const pending = first.ok ? firstCookie(first.headers) : '';
    const later = Date.now() + 5 * 60_000 + 1;
    const realNow = Date.now;
    Date.now = () => later;
    try {
      expect(await completeSecondFactor(loginRequest(pending), codeAt(TEST_TOTP_SECRET, later))).toEqual({ ok: false, reason: 'expired' });
    } finally {
      Date.now = realNow;
    }
  });

  it('sends a finance user without a second factor to enrolment from every page, by default', async () => {
    const finance = await createTestUser('finance', 'finance@keyed.test', { twoFactor: false });
    const response = await respond(async () => dashboard.loader({ request: await requestAs(finance.id, '/dashboard'), params: {}, context: {} }));
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe('/account/two-factor');
    const page = await respond(async () => accountTwoFactor.loader({ request: await requestAs(finance.id, '/account/two-factor'), params: {}, context: {} }));
    expect(page.status).toBe(200);
    expect(await page.json()).toMatchObject({ enrolled: false, required: true, setup: { secret: expect.stringMatching(/^[A-Z2-7]{32}$/) } });
  });

  it('leaves staff free to choose, and a manager can require it for staff too', async () => {
    const staff = await createTestUser('staff');
    const manager = await createTestUser('manager');
    expect((await respond(async () => dashboard.loader({ request: await requestAs(staff.id, '/dashboard'), params: {}, context: {} }))).status).toBe(200);
    const form = { upgradeThresholdPercent: '2', refundApprovalThreshold: '500', twoFactorStaff: 'on', twoFactorFinance: 'on', twoFactorManager: 'on' };
    const saved = await respond(async () => settingsPage.action({ request: await requestAs(manager.id, '/settings', { form }), params: {}, context: {} }));
    expect(saved.status).toBe(302);
    const after = await respond(async () => dashboard.loader({ request: await requestAs(staff.id, '/dashboard'), params: {}, context: {} }));
    expect(after.headers.get('Location')).toBe('/account/two-factor');
  });

  it('never asks demo accounts in sandbox mode', async () => {
    const manager = await createTestUser('manager', 'manager@keyed.test', { twoFactor: false });
    getDb().update(users).set({ demoAccount: true }).where(eq(users.id, manager.id)).run();
    expect((await respond(async () => dashboard.loader({ request: await requestAs(manager.id, '/dashboard'), params: {}, context: {} }))).status).toBe(200);
    expect(getDb().select().from(twoFactorCredentials).all()).toHaveLength(0);
  });
});
