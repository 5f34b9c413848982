import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';

import { createInvoice } from '~/invoices/invoices.server';
import { isChargingPaused, listPausedStaff, STAFF_DECLINE_LIMIT } from '~/payments/card-testing.server';
import { chargeInvoice, newAttemptKey } from '~/payments/charge-invoice.server';
import { getDb } from '~/platform/db.server';
import { action as dashboardAction, loader as dashboardLoader } from '~/routes/dashboard';
import { action as usersAction, loader as usersLoader } from '~/routes/settings.users._index';
import { loader as userLoader } from '~/routes/settings.users.$id';

import { auditEvents } from '../../db/schema';
import { useTestDatabase } from '../helpers/database';
import { useSandbox } from '../helpers/sandbox';
import { createTestUser, requestAs, respond } from '../helpers/users';

useTestDatabase({ STRIPE_SECRET_KEY: undefined, STRIPE_PUBLISHABLE_KEY: undefined, ALLOWED_CARD_COUNTRIES: undefined });
const sandbox = useSandbox();

/** A staff member declined often enough for the card-testing defence to pause them. */
async function pausedStaffMember() {
  const staff = await createTestUser('staff', 'decliner@keyed.test');
  for (let i = 0; i < STAFF_DECLINE_LIMIT; i++) {
    const invoice = createInvoice(
      { customerName: `Caller ${i}`, customerEmail: null, customerPhone: null, description: 'Order', amount: 2500, currency: 'usd' },
      { id: staff.id },
    );
    await chargeInvoice(
      { invoiceId: invoice.id, paymentMethodId: await sandbox.paymentMethod('4000000000000002'), attemptKey: newAttemptKey() },
      { id: staff.id },
    );
  }
  expect(isChargingPaused({ userId: staff.id })).toBe(true);
  return staff;
}

const call = async (handler: (args: never) => unknown, userId: number, path: string, form?: Record<string, string>, params: Record<string, string> = {}) => {
  const request = await requestAs(userId, path, form ? { form } : {});
  return respond(() => handler({ request, params, context: {} } as never));
};

describe('a paused staff member', () => {
  it('shows as paused, with why, on the users list, the user page and the manager’s dashboard', async () => {
    const staff = await pausedStaffMember();
    const manager = await createTestUser('manager');
    expect(listPausedStaff()).toMatchObject([
      { id: staff.id, name: 'Test staff', declines: STAFF_DECLINE_LIMIT, windowMinutes: 15, pausedAt: expect.any(Number) },
    ]);

    const list = await (await call(usersLoader, manager.id, '/settings/users')).json();
    expect(list.users.find((u: { id: number }) => u.id === staff.id).chargingPausedAt).toEqual(expect.any(Number));
    const page = await (await call(userLoader, manager.id, `/settings/users/${staff.id}`, undefined, { id: String(staff.id) })).json();
    expect(page.user.chargingPausedAt).toEqual(expect.any(Number));
    const dashboard = await (await call(dashboardLoader, manager.id, '/dashboard')).json();
    expect(dashboard.queue.paused).toMatchObject([{ id: staff.id, declines: STAFF_DECLINE_LIMIT }]);
  });

  it('is resumed from the users list (audited); resuming twice is a clear refusal; staff cannot resume anyone', async () => {
    const staff = await pausedStaffMember();
    const manager = await createTestUser('manager');
    const other = await createTestUser('staff', 'other@keyed.test');
    expect((await call(usersAction, other.id, '/settings/users', { intent: 'resume-charging', userId: String(staff.id) })).status).toBe(403);
    expect((await call(usersAction, manager.id, '/settings/users', { intent: 'resume-charging', userId: 'abc' })).status).toBe(400);
    const resumed = await call(usersAction, manager.id, '/settings/users', { intent: 'resume-charging', userId: String(staff.id) });
    expect(resumed.status).toBe(302);
    expect(resumed.headers.get('Location')).toBe('/settings/users');
    expect(isChargingPaused({ userId: staff.id })).toBe(false);
    expect(listPausedStaff()).toEqual([]);
    const again = await call(usersAction, manager.id, '/settings/users', { intent: 'resume-charging', userId: String(staff.id) });
    expect(again.status).toBe(409);
    expect((await again.json()).listError).toBe('Charging is not paused for this user.');
    const audits = getDb().select().from(auditEvents).where(eq(auditEvents.action, 'user.charging_resumed')).all();
    expect(audits).toMatchObject([{ actorUserId: manager.id, subjectType: 'user', subjectId: String(staff.id) }]);
  });

  it('is resumed from the manager’s dashboard too', async () => {
    const staff = await pausedStaffMember();
    const manager = await createTestUser('manager');
    const finance = await createTestUser('finance');
    expect((await call(dashboardAction, finance.id, '/dashboard', { intent: 'resume-charging', userId: String(staff.id) })).status).toBe(403);
    expect((await call(dashboardAction, manager.id, '/dashboard', { intent: 'resume-charging', userId: String(staff.id) })).status).toBe(302);
    expect(isChargingPaused({ userId: staff.id })).toBe(false);
  });
});
