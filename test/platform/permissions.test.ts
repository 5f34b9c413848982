import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { describe, expect, it } from 'vitest';

import { createInvoice } from '~/invoices/invoices.server';
import * as audit from '~/routes/audit';
import * as chargeList from '~/routes/charges._index';
import * as chargeDetail from '~/routes/charges.$id';
import * as chargeExport from '~/routes/charges.export';
import * as dashboard from '~/routes/dashboard';
import * as invoiceList from '~/routes/invoices._index';
import * as invoiceDetail from '~/routes/invoices.$id';
import * as invoiceNew from '~/routes/invoices.new';
import * as reports from '~/routes/reports';
import * as settingsPage from '~/routes/settings._index';
import * as userList from '~/routes/settings.users._index';
import * as userDetail from '~/routes/settings.users.$id';
import * as terminal from '~/routes/terminal';

import type { Role } from '../../db/schema';
import { useTestDatabase } from '../helpers/database';
import { createTestUser, requestAs, respond } from '../helpers/users';

useTestDatabase();

type Handler = (args: LoaderFunctionArgs & ActionFunctionArgs) => unknown;
type Case = {
  name: string;
  /** What an allowed role gets: the page (200), a redirect after a change (302), a field error (400), or 404 for an id with nothing behind it. */
  status: number;
  path: string;
  handler: Handler;
  method?: 'POST';
  form?: Record<string, string>;
  params?: Record<string, string>;
  allowed: Role[];
};

const ALL: Role[] = ['staff', 'finance', 'manager'];
const FINANCE_UP: Role[] = ['finance', 'manager'];
const MANAGER: Role[] = ['manager'];

// The expected matrix, written out by hand: the permissions module must produce exactly this.
const CASES: Case[] = [
  { name: 'GET /dashboard', status: 200, path: '/dashboard', handler: dashboard.loader as Handler, allowed: ALL },
  { name: 'GET /invoices', status: 200, path: '/invoices', handler: invoiceList.loader as Handler, allowed: ALL },
  { name: 'GET /invoices/:id', status: 200, path: '/invoices/1', params: { id: '1' }, handler: invoiceDetail.loader as Handler, allowed: ALL },
  {
    name: 'POST /invoices/:id (void)',
    status: 302,
    path: '/invoices/1',
    params: { id: '1' },
    handler: invoiceDetail.action as Handler,
    method: 'POST',
    form: { intent: 'void' },
    allowed: FINANCE_UP,
  },
  { name: 'GET /invoices/new', status: 200, path: '/invoices/new', handler: invoiceNew.loader as Handler, allowed: FINANCE_UP },
  {
    name: 'POST /invoices/new',
    status: 302,
    path: '/invoices/new',
    handler: invoiceNew.action as Handler,
    method: 'POST',
    form: { customerName: 'A', description: 'B', amount: '10.00', currency: 'usd' },
    allowed: FINANCE_UP,
  },
  { name: 'GET /settings/users', status: 200, path: '/settings/users', handler: userList.loader as Handler, allowed: MANAGER },
  {
    name: 'POST /settings/users',
    status: 400,
    path: '/settings/users',
    handler: userList.action as Handler,
    method: 'POST',
    form: { email: 'new@keyed.test', name: 'New', role: 'staff', password: 'short' },
    allowed: MANAGER,
  },
  { name: 'GET /settings/users/:id', status: 200, path: '/settings/users/1', params: { id: '1' }, handler: userDetail.loader as Handler, allowed: MANAGER },
  {
    name: 'POST /settings/users/:id',
    status: 302,
    path: '/settings/users/1',
    params: { id: '1' },
    handler: userDetail.action as Handler,
    method: 'POST',
    form: { intent: 'change-role', role: 'staff' },
    allowed: MANAGER,
  },
  { name: 'GET /audit', status: 200, path: '/audit', handler: audit.loader as Handler, allowed: MANAGER },
  { name: 'GET /charges', status: 200, path: '/charges', handler: chargeList.loader as Handler, allowed: FINANCE_UP },
  { name: 'GET /charges/export', status: 200, path: '/charges/export', handler: chargeExport.loader as Handler, allowed: FINANCE_UP },
  { name: 'GET /charges/:id', status: 404, path: '/charges/1', params: { id: '1' }, handler: chargeDetail.loader as Handler, allowed: FINANCE_UP },
  {
    name: 'POST /charges/:id (check)',
    status: 404,
    path: '/charges/1',
    params: { id: '1' },
    handler: chargeDetail.action as Handler,
    method: 'POST',
    form: { intent: 'check' },
    allowed: FINANCE_UP,
  },
  {
    name: 'POST /charges/:id (review a refund)',
    status: 404,
    path: '/charges/1',
    params: { id: '1' },
    handler: chargeDetail.action as Handler,
    method: 'POST',
    form: { intent: 'review', idempotencyKey: 'refund_AAAAAAAAAAAAAAAAAAAAAAAA', reason: 'duplicate' },
    allowed: FINANCE_UP,
  },
  {
    name: 'POST /charges/:id (request approval)',
    status: 404,
    path: '/charges/1',
    params: { id: '1' },
    handler: chargeDetail.action as Handler,
    method: 'POST',
    form: { intent: 'request-approval', idempotencyKey: 'refund_AAAAAAAAAAAAAAAAAAAAAAAA', reason: 'duplicate', amount: '100' },
    allowed: FINANCE_UP,
  },
  {
    name: 'POST /dashboard (approve a refund)',
    status: 404,
    path: '/dashboard',
    handler: dashboard.action as Handler,
    method: 'POST',
    form: { intent: 'approve', approvalId: '1' },
    allowed: MANAGER,
  },
  {
    name: 'POST /dashboard (reject a refund)',
    status: 404,
    path: '/dashboard',
    handler: dashboard.action as Handler,
    method: 'POST',
    form: { intent: 'reject', approvalId: '1', reason: 'no' },
    allowed: MANAGER,
  },
  {
    name: 'POST /dashboard (resume charging: user 1 is not paused)',
    status: 409,
    path: '/dashboard',
    handler: dashboard.action as Handler,
    method: 'POST',
    form: { intent: 'resume-charging', userId: '1' },
    allowed: MANAGER,
  },
  {
    name: 'POST /settings/users (resume charging: user 1 is not paused)',
    status: 409,
    path: '/settings/users',
    handler: userList.action as Handler,
    method: 'POST',
    form: { intent: 'resume-charging', userId: '1' },
    allowed: MANAGER,
  },
  { name: 'GET /reports', status: 200, path: '/reports', handler: reports.loader as Handler, allowed: MANAGER },
  { name: 'GET /settings', status: 200, path: '/settings', handler: settingsPage.loader as Handler, allowed: MANAGER },
  {
    name: 'POST /settings',
    status: 400,
    path: '/settings',
    handler: settingsPage.action as Handler,
    method: 'POST',
    form: { upgradeThresholdPercent: 'x', refundApprovalThreshold: '1' },
    allowed: MANAGER,
  },
  { name: 'GET /terminal', status: 200, path: '/terminal', handler: terminal.loader as Handler, allowed: ALL },
  {
    name: 'POST /terminal',
    status: 400,
    path: '/terminal',
    handler: terminal.action as Handler,
    method: 'POST',
    form: { intent: 'charge', invoiceId: 'x' },
    allowed: ALL,
  },
];

describe('permission matrix: every role × every route', () => {
  for (const role of ALL) {
    it(`${role}`, async () => {
      // User 1 exists so :id routes resolve; invoice 1 too.
      const subject = await createTestUser('staff', 'subject@keyed.test');
      expect(subject.id).toBe(1);
      const user = await createTestUser(role);
      createInvoice({ customerName: 'C', customerEmail: null, customerPhone: null, description: 'D', amount: 1000, currency: 'usd' }, { id: user.id });
      for (const c of CASES) {
        const request = await requestAs(user.id, c.path, c.form ? { form: c.form } : {});
        const response = await respond(() => c.handler({ request, params: c.params ?? {}, context: {} }));
        expect(response.status, `${role} ${c.name}`).toBe(c.allowed.includes(role) ? c.status : 403);
      }
    });
  }

  it('sends anonymous visitors to the login page, remembering where they were going', async () => {
    for (const c of CASES) {
      const request = await requestAs(null, c.path, c.form ? { form: c.form } : {});
      const response = await respond(() => c.handler({ request, params: c.params ?? {}, context: {} }));
      expect(response.status, c.name).toBe(302);
      expect(response.headers.get('Location')).toBe(`/login?${new URLSearchParams({ redirectTo: c.path })}`);
    }
  });

  it('answers unknown or malformed ids with 404, never 500', async () => {
    const manager = await createTestUser('manager');
    for (const id of ['999', 'abc', '0', '-1', '1e3', '99999999999999999999']) {
      for (const [handler, path] of [
        [invoiceDetail.loader, '/invoices/'],
        [userDetail.loader, '/settings/users/'],
      ] as const) {
        const request = await requestAs(manager.id, `${path}${id}`);
        const response = await respond(() => (handler as Handler)({ request, params: { id }, context: {} }));
        expect(response.status, `${path}${id}`).toBe(404);
      }
    }
  });
});
