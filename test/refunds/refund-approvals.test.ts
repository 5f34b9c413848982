import { spawn } from 'node:child_process';

import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';

import { createInvoice } from '~/invoices/invoices.server';
import { chargeInvoice, newAttemptKey } from '~/payments/charge-invoice.server';
import { getDb } from '~/platform/db.server';
import {
  approveRefundRequest,
  listApprovalsForCharge,
  listPendingApprovals,
  rejectRefundRequest,
  requestRefundApproval,
} from '~/refunds/refund-approvals.server';
import { newRefundKey, refundableAmount, refundCharge } from '~/refunds/refund-charge.server';
import { settlePendingRefunds } from '~/refunds/settle-pending-refunds.server';
import { action as chargeAction, loader as chargeLoader } from '~/routes/charges.$id';
import { action as dashboardAction, loader as dashboardLoader } from '~/routes/dashboard';

import { auditEvents, invoices, paymentAttempts, refundApprovals, refunds, settings } from '../../db/schema';
import { useTestDatabase } from '../helpers/database';
import { useSandbox } from '../helpers/sandbox';
import { createTestUser, requestAs, respond } from '../helpers/users';

useTestDatabase({ STRIPE_SECRET_KEY: undefined, STRIPE_PUBLISHABLE_KEY: undefined, ALLOWED_CARD_COUNTRIES: undefined });
const sandbox = useSandbox();

const THRESHOLD = 50000;

async function paidCharge(amount = 90000, currency: 'usd' | 'cad' = 'cad') {
  const staff = await createTestUser('staff', `staff${Math.random()}@keyed.test`);
  const invoice = createInvoice(
    { customerName: 'Léa Bouchard', customerEmail: null, customerPhone: null, description: 'Order', amount, currency },
    { id: staff.id },
  );
  const started = await chargeInvoice(
    { invoiceId: invoice.id, paymentMethodId: await sandbox.paymentMethod('4242424242424242'), attemptKey: newAttemptKey() },
    { id: staff.id },
  );
  if (!started.ok) throw new Error('charge refused');
  return getDb().select().from(paymentAttempts).where(eq(paymentAttempts.id, started.attemptId)).get()!;
}

async function people() {
  const finance = await createTestUser('finance');
  const manager = await createTestUser('manager');
  const otherManager = await createTestUser('manager', 'manager2@keyed.test');
  return {
    finance: { id: finance.id, role: 'finance' as const },
    manager: { id: manager.id, role: 'manager' as const },
    otherManager: { id: otherManager.id, role: 'manager' as const },
  };
}

const request = (attemptId: number, amount: number, extra: Partial<Parameters<typeof requestRefundApproval>[0]> = {}) => ({
  attemptId,
  amount,
  reason: 'requested_by_customer' as const,
  note: 'Customer returned the whole order',
  idempotencyKey: newRefundKey(),
  ...extra,
});
const stripeRefunds = async (pi: string) => (await sandbox.stripe.refunds.list({ payment_intent: pi, limit: 100 })).data;
const approvalRow = (id: number) => getDb().select().from(refundApprovals).where(eq(refundApprovals.id, id)).get()!;
const actions = () =>
  getDb()
    .select({ action: auditEvents.action, actor: auditEvents.actorUserId })
    .from(auditEvents)
    .all()
    .filter((e) => e.action.startsWith('refund.'));

describe('refunds above the approval threshold', () => {
  it('finance submits; a manager approves → refunded at Stripe with the pending-first rules; every step audited', async () => {
    const { finance, manager } = await people();
    const charge = await paidCharge(90000);
    // Sending it directly is refused…
    expect(await refundCharge({ attemptId: charge.id, amount: 70000, idempotencyKey: newRefundKey() }, finance)).toMatchObject({
      ok: false,
      reason: 'needs_manager',
      params: { threshold: THRESHOLD },
    });
    // …submitting it for approval is not.
    const asked = requestRefundApproval(request(charge.id, 70000), finance);
    expect(asked).toMatchObject({ ok: true });
    const approvalId = asked.ok ? asked.approvalId : 0;
    expect(listPendingApprovals()).toMatchObject([
      { id: approvalId, amount: 70000, currency: 'cad', requestedBy: 'Test finance', customerName: 'Léa Bouchard', cardBrand: 'visa', cardLast4: '4242' },
    ]);
    // Waiting reserves nothing: nothing has been sent.
    expect(getDb().select().from(refunds).all()).toHaveLength(0);

    const approved = await approveRefundRequest({ approvalId }, manager);
    expect(approved).toMatchObject({ ok: true, amount: 70000, currency: 'cad', status: 'succeeded' });
    const row = approvalRow(approvalId);
    expect(row).toMatchObject({ status: 'approved', decidedByUserId: manager.id });
    const refund = getDb().select().from(refunds).where(eq(refunds.id, row.refundId!)).get()!;
    expect(refund).toMatchObject({ amount: 70000, status: 'succeeded', userId: manager.id, idempotencyKey: `approval:${approvalId}` });
    const atStripe = await stripeRefunds(charge.stripePaymentIntentId!);
    expect(atStripe.map((r) => r.amount)).toEqual([70000]);
    expect(atStripe[0]!.metadata?.refund_id).toBe(String(refund.id));
    expect(getDb().select().from(invoices).where(eq(invoices.id, charge.invoiceId)).get()).toMatchObject({
      status: 'partially_refunded',
      amountRefunded: 70000,
    });
    expect(listPendingApprovals()).toEqual([]);
    expect(actions()).toEqual([
      { action: 'refund.approval_requested', actor: finance.id },
      { action: 'refund.requested', actor: manager.id },
      { action: 'refund.approved', actor: manager.id },
      { action: 'refund.succeeded', actor: manager.id },
    ]);
    // Approving again changes nothing.
    expect(await approveRefundRequest({ approvalId }, manager)).toEqual({ ok: false, reason: 'already_decided' });
    expect(await stripeRefunds(charge.stripePaymentIntentId!)).toHaveLength(1);
  });

  it('reject needs a manager and a reason; the requester sees it on the charge; a rejected request cannot be approved', async () => {
    const { finance, manager } = await people();
    const charge = await paidCharge(90000);
    const asked = requestRefundApproval(request(charge.id, 60000), finance);
    const approvalId = asked.ok ? asked.approvalId : 0;
    expect(rejectRefundRequest({ approvalId, reason: 'no' }, finance)).toEqual({ ok: false, reason: 'forbidden' });
    expect(await approveRefundRequest({ approvalId }, finance)).toEqual({ ok: false, reason: 'forbidden' });
    expect(rejectRefundRequest({ approvalId, reason: 'Goods never came back to the warehouse' }, manager)).toEqual({ ok: true });
    expect(rejectRefundRequest({ approvalId, reason: 'again' }, manager)).toEqual({ ok: false, reason: 'already_decided' });
    expect(await approveRefundRequest({ approvalId }, manager)).toEqual({ ok: false, reason: 'already_decided' });
    expect(listApprovalsForCharge({ attemptId: charge.id })).toMatchObject([
      { status: 'rejected', rejectionReason: 'Goods never came back to the warehouse', decidedBy: 'Test manager', requestedBy: 'Test finance' },
    ]);
    expect(await stripeRefunds(charge.stripePaymentIntentId!)).toHaveLength(0);
    expect(actions().map((a) => a.action)).toEqual(['refund.approval_requested', 'refund.rejected']);
    expect(rejectRefundRequest({ approvalId: 999, reason: 'x' }, manager)).toEqual({ ok: false, reason: 'not_found' });
  });

  it('a request is only for what needs one, and follows the refund rules (remaining, same form twice, identical request)', async () => {
    const { finance, manager } = await people();
    const charge = await paidCharge(90000);
    expect(requestRefundApproval(request(charge.id, 40000), finance)).toEqual({ ok: false, reason: 'not_needed' });
    expect(requestRefundApproval(request(charge.id, 60000), manager)).toEqual({ ok: false, reason: 'not_needed' });
    expect(requestRefundApproval(request(charge.id, 90001), finance)).toMatchObject({ ok: false, reason: 'exceeds_remaining' });
    expect(requestRefundApproval(request(charge.id, 60000), { id: 1, role: 'staff' })).toEqual({ ok: false, reason: 'forbidden' });
    const input = request(charge.id, 60000);
    const first = requestRefundApproval(input, finance);
    expect(requestRefundApproval(input, finance)).toEqual(first);
    expect(requestRefundApproval(request(charge.id, 60000), finance)).toMatchObject({ ok: false, reason: 'recent_duplicate' });
    expect(requestRefundApproval(request(charge.id, 60000, { allowRecentDuplicate: true }), finance)).toMatchObject({ ok: true });
    expect(getDb().select().from(refundApprovals).all()).toHaveLength(2);
  });

  it('approval checks the charge as it is now: a refund made meanwhile can leave too little, and nothing is sent', async () => {
    const { finance, manager } = await people();
    const charge = await paidCharge(90000);
    const asked = requestRefundApproval(request(charge.id, 70000), finance);
    const approvalId = asked.ok ? asked.approvalId : 0;
    expect(await refundCharge({ attemptId: charge.id, amount: 30000, idempotencyKey: newRefundKey() }, manager)).toMatchObject({ ok: true });
    expect(await approveRefundRequest({ approvalId }, manager)).toEqual({ ok: false, reason: 'exceeds_remaining', params: { remaining: 60000 } });
    expect(approvalRow(approvalId).status).toBe('pending');
    expect((await stripeRefunds(charge.stripePaymentIntentId!)).map((r) => r.amount)).toEqual([30000]);
  });

  it('an approval racing a direct refund of everything: the charge is never refunded past its amount', async () => {
    const { finance, manager, otherManager } = await people();
    const charge = await paidCharge(90000);
    const asked = requestRefundApproval(request(charge.id, 70000), finance);
    const approvalId = asked.ok ? asked.approvalId : 0;
    const [approval, direct] = await Promise.all([
      approveRefundRequest({ approvalId }, manager),
      refundCharge({ attemptId: charge.id, idempotencyKey: newRefundKey() }, otherManager),
    ]);
    expect([approval.ok, direct.ok].filter(Boolean).length).toBeGreaterThanOrEqual(1);
    const total = (await stripeRefunds(charge.stripePaymentIntentId!)).reduce((n, r) => n + r.amount, 0);
    expect(total).toBeLessThanOrEqual(90000);
    expect(refundableAmount({ attemptId: charge.id })).toBe(90000 - total);
  });

  it('an approval whose answer from Stripe is lost stays pending and is settled later, once', async () => {
    const { finance, manager } = await people();
    const charge = await paidCharge(90000);
    const asked = requestRefundApproval(request(charge.id, 80000), finance);
    const approvalId = asked.ok ? asked.approvalId : 0;
    await sandbox.control('faults', { mode: 'drop_after', count: 4, method: 'POST', path: '/v1/refunds' });
    expect(await approveRefundRequest({ approvalId }, manager)).toMatchObject({ ok: true, status: 'pending' });
    await sandbox.control('faults', undefined, 'DELETE');
    expect(refundableAmount({ attemptId: charge.id })).toBe(10000);
    expect(await settlePendingRefunds({ olderThanMs: 0 })).toMatchObject([{ outcome: 'found' }]);
    expect((await stripeRefunds(charge.stripePaymentIntentId!)).map((r) => r.amount)).toEqual([80000]);
  });
});

describe('an approval Stripe refuses', () => {
  it('leaves the request approved with a failed refund, says so on the charge and at the top of the dashboard', async () => {
    const { finance, manager } = await people();
    const charge = await paidCharge(90000);
    const asked = requestRefundApproval(request(charge.id, 70000), finance);
    const approvalId = asked.ok ? asked.approvalId : 0;
    // Someone refunded the whole charge in Stripe's Dashboard; Keyed has not heard of it yet.
    await sandbox.stripe.refunds.create({ payment_intent: charge.stripePaymentIntentId! });
    const approve = await respond(async () =>
      dashboardAction({
        request: await requestAs(manager.id, '/dashboard', { form: { intent: 'approve', approvalId: String(approvalId) } }),
        params: {},
        context: {},
      }),
    );
    expect(approve.status).toBe(502);
    expect(await approve.json()).toEqual({ queue: null, error: 'Stripe refused this refund. Check the charge in Stripe.' });
    expect(listApprovalsForCharge({ attemptId: charge.id })).toMatchObject([{ status: 'approved', refundStatus: 'failed' }]);
    expect(refundableAmount({ attemptId: charge.id })).toBe(90000);
    expect(listPendingApprovals()).toEqual([]);
  });
});

describe('two managers approve at once', () => {
  it('in one process: one refund, the other is told it is already decided', async () => {
    const { finance, manager, otherManager } = await people();
    const charge = await paidCharge(90000);
    const asked = requestRefundApproval(request(charge.id, 70000), finance);
    const approvalId = asked.ok ? asked.approvalId : 0;
    const results = await Promise.all([approveRefundRequest({ approvalId }, manager), approveRefundRequest({ approvalId }, otherManager)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, reason: 'already_decided' });
    expect(await stripeRefunds(charge.stripePaymentIntentId!)).toHaveLength(1);
    expect(getDb().select().from(refunds).all()).toHaveLength(1);
  });

  it('in two processes with their own database connections, started at the same instant: exactly one refund', async () => {
    const { finance, manager, otherManager } = await people();
    const charge = await paidCharge(90000);
    const asked = requestRefundApproval(request(charge.id, 70000), finance);
    const approvalId = asked.ok ? asked.approvalId : 0;
    const startAt = Date.now() + 4000;
    const approve = (managerId: number) =>
      new Promise<{ ok: boolean; reason?: string }>((resolve, reject) => {
        let out = '';
        let err = '';
        const child = spawn('npx', ['tsx', 'test/fixtures/approve-refund.ts', String(approvalId), String(managerId), String(startAt)], {
          env: { ...process.env, SANDBOX_PORT: String(sandbox.port) },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
        child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`approve-refund exited ${code}: ${err}`))));
      });
    const results = await Promise.all([approve(manager.id), approve(otherManager.id)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, reason: 'already_decided' });
    expect(await stripeRefunds(charge.stripePaymentIntentId!)).toHaveLength(1);
    expect(getDb().select().from(refunds).all()).toMatchObject([{ amount: 70000, status: 'succeeded' }]);
    expect(approvalRow(approvalId).status).toBe('approved');
  }, 60_000);
});

describe('through the pages', () => {
  it('finance submits from the charge page; the manager’s dashboard lists it; approve and reject answer with a redirect or a field error', async () => {
    const { finance, manager } = await people();
    const charge = await paidCharge(90000);
    const chargePost = async (form: Record<string, string>) =>
      respond(async () =>
        chargeAction({ request: await requestAs(finance.id, `/charges/${charge.id}`, { form }), params: { id: String(charge.id) }, context: {} }),
      );
    const dashboard = async (userId: number, form?: Record<string, string>) =>
      respond(async () => {
        const req = await requestAs(userId, '/dashboard', form ? { form } : {});
        return form ? dashboardAction({ request: req, params: {}, context: {} }) : dashboardLoader({ request: req, params: {}, context: {} });
      });

    const key = newRefundKey();
    const review = await (await chargePost({ intent: 'review', idempotencyKey: key, amount: '700.00', reason: 'requested_by_customer' })).json();
    expect(review.review).toMatchObject({ amount: 70000, needsApproval: true, threshold: THRESHOLD });
    // Confirming it as a plain refund is refused; submitting it for approval is not.
    expect((await chargePost({ intent: 'refund', idempotencyKey: key, amount: '70000', reason: 'requested_by_customer' })).status).toBe(403);
    const submitted = await chargePost({
      intent: 'request-approval',
      idempotencyKey: key,
      amount: '70000',
      reason: 'requested_by_customer',
      note: 'Whole order back',
    });
    expect(submitted.status).toBe(302);
    const shown = await (
      await respond(async () => chargeLoader({ request: await requestAs(finance.id, `/charges/${charge.id}`), params: { id: String(charge.id) }, context: {} }))
    ).json();
    expect(shown.approvals).toMatchObject([{ status: 'pending', amount: 70000, note: 'Whole order back' }]);

    // Finance sees no queue and may not decide.
    expect((await (await dashboard(finance.id)).json()).queue).toBeNull();
    const approvalId = String(shown.approvals[0].id);
    expect((await dashboard(finance.id, { intent: 'approve', approvalId })).status).toBe(403);

    const queue = (await (await dashboard(manager.id)).json()).queue;
    expect(queue.approvals).toMatchObject([{ id: Number(approvalId), amount: 70000, invoiceNumber: expect.any(String) }]);

    const empty = await dashboard(manager.id, { intent: 'reject', approvalId, reason: '   ' });
    expect(empty.status).toBe(400);
    expect((await empty.json()).queue).toEqual({ approvalId: Number(approvalId), reason: 'Say why the refund is rejected.' });
    expect((await dashboard(manager.id, { intent: 'approve', approvalId: '999' })).status).toBe(404);
    expect((await dashboard(manager.id, { intent: 'approve', approvalId })).status).toBe(302);
    expect((await dashboard(manager.id, { intent: 'approve', approvalId })).status).toBe(409);
    expect(await stripeRefunds(charge.stripePaymentIntentId!)).toHaveLength(1);
  });

  it('the threshold setting decides what needs approval', async () => {
    const { finance } = await people();
    getDb().insert(settings).values({ key: 'refund_approval_threshold', value: '100', updatedAt: Date.now() }).run();
    const charge = await paidCharge(5000);
    expect(requestRefundApproval(request(charge.id, 101), finance)).toMatchObject({ ok: true });
    expect(requestRefundApproval(request(charge.id, 100), finance)).toEqual({ ok: false, reason: 'not_needed' });
  });
});
