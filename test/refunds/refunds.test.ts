import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';

import { getChargeDetail } from '~/charges/detail.server';
import { createInvoice } from '~/invoices/invoices.server';
import { chargeInvoice, newAttemptKey } from '~/payments/charge-invoice.server';
import { handleStripeWebhook } from '~/payments/webhooks.server';
import { getDb, getSqlite } from '~/platform/db.server';
import { newRefundKey, refundableAmount, refundCharge, type RefundResult } from '~/refunds/refund-charge.server';
import { REFUND_REFUSALS } from '~/refunds/refund-form';
import { settlePendingRefunds } from '~/refunds/settle-pending-refunds.server';
import { financeSummary } from '~/reports/dashboard.server';

import { auditEvents, invoices, paymentAttempts, refunds, settings, webhookEvents } from '../../db/schema';
import { seedDemoHistory } from '../../demo/demo-history';
import { useTestDatabase } from '../helpers/database';
import { useSandbox } from '../helpers/sandbox';
import { createTestUser } from '../helpers/users';

const WEBHOOK_SECRET = 'whsec_keyedrefundtestsecret';
useTestDatabase({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_SECRET_KEY: undefined, STRIPE_PUBLISHABLE_KEY: undefined, ALLOWED_CARD_COUNTRIES: undefined });
const sandbox = useSandbox();

/** A paid invoice: charged through the real payment flow against the sandbox. */
async function paidCharge(amount = 30000, currency: 'usd' | 'cad' = 'usd') {
  const staff = await createTestUser('staff', `staff${Math.random()}@keyed.test`);
  const invoice = createInvoice(
    { customerName: 'Phone Customer', customerEmail: null, customerPhone: null, description: 'Order', amount, currency },
    { id: staff.id },
  );
  const started = await chargeInvoice(
    { invoiceId: invoice.id, paymentMethodId: await sandbox.paymentMethod('4242424242424242'), attemptKey: newAttemptKey() },
    { id: staff.id },
  );
  if (!started.ok) throw new Error('charge refused');
  const attempt = getDb().select().from(paymentAttempts).where(eq(paymentAttempts.id, started.attemptId)).get()!;
  expect(attempt.status).toBe('succeeded');
  return { attempt, invoice };
}

/** A refund's answer as the charge page gives it: the refusal's HTTP status comes from the route's mapping. */
function answered(result: RefundResult) {
  return result.ok ? result : { ok: false, status: REFUND_REFUSALS[result.reason].status, reason: result.reason, ...result.params };
}

const invoiceRow = (id: number) => getDb().select().from(invoices).where(eq(invoices.id, id)).get()!;
const attemptRow = (id: number) => getDb().select().from(paymentAttempts).where(eq(paymentAttempts.id, id)).get()!;
const refundRows = () => getDb().select().from(refunds).all();
const stripeRefunds = async (pi: string) => (await sandbox.stripe.refunds.list({ payment_intent: pi, limit: 100 })).data;

function sign(payload: string) {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
}

/** Delivers the sandbox's events of one type (oldest first) to Keyed's webhook handler, signed. */
async function deliver(type: string) {
  const events = (await sandbox.stripe.events.list({ type, limit: 100 })).data.reverse();
  return events.map((event) => {
    const payload = JSON.stringify(event);
    return handleStripeWebhook(payload, sign(payload));
  });
}

describe('refunding a charge', () => {
  it('refunds part, then the rest: Stripe gets each, totals and invoice status follow, every step audited', async () => {
    const finance = await createTestUser('finance');
    const { attempt, invoice } = await paidCharge(30000);
    const part = await refundCharge(
      { attemptId: attempt.id, amount: 10000, reason: 'requested_by_customer', idempotencyKey: newRefundKey() },
      { id: finance.id, role: 'finance' },
    );
    expect(part).toMatchObject({ ok: true, amount: 10000, status: 'succeeded' });
    expect(attemptRow(attempt.id).amountRefunded).toBe(10000);
    expect(invoiceRow(invoice.id)).toMatchObject({ status: 'partially_refunded', amountRefunded: 10000 });
    expect(refundableAmount({ attemptId: attempt.id })).toBe(20000);

    const rest = await refundCharge({ attemptId: attempt.id, idempotencyKey: newRefundKey() }, { id: finance.id, role: 'finance' });
    expect(rest).toMatchObject({ ok: true, amount: 20000 });
    expect(invoiceRow(invoice.id)).toMatchObject({ status: 'refunded', amountRefunded: 30000 });
    const atStripe = await stripeRefunds(attempt.stripePaymentIntentId!);
    expect(atStripe.map((r) => r.amount).sort()).toEqual([10000, 20000]);
    expect(atStripe.every((r) => r.metadata?.attempt_id === String(attempt.id))).toBe(true);
    const actions = getDb()
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(eq(auditEvents.subjectId, String(attempt.id)))
      .all()
      .map((e) => e.action);
    expect(actions.filter((a) => a === 'refund.requested')).toHaveLength(2);
    expect(actions.filter((a) => a === 'refund.succeeded')).toHaveLength(2);
    const detail = getChargeDetail({ id: attempt.id })!;
    expect(detail.refunds).toHaveLength(2);
    expect(detail.charge.refundableAmount).toBe(0);
    expect(detail.timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['created', 'outcome', 'refund']));
  });

  it('rejects a refund above what remains: a 400-style answer, nothing written, nothing sent to Stripe', async () => {
    const finance = await createTestUser('finance');
    const { attempt, invoice } = await paidCharge(30000);
    const before = getDb().select().from(auditEvents).all().length;
    const result = await refundCharge({ attemptId: attempt.id, amount: 30001, idempotencyKey: newRefundKey() }, { id: finance.id, role: 'finance' });
    expect(answered(result)).toMatchObject({ ok: false, status: 400, reason: 'exceeds_remaining', remaining: 30000 });
    expect(refundRows()).toHaveLength(0);
    expect(getDb().select().from(auditEvents).all()).toHaveLength(before);
    expect(await stripeRefunds(attempt.stripePaymentIntentId!)).toHaveLength(0);
    expect(invoiceRow(invoice.id).status).toBe('paid');
    for (const amount of [0, -5, 1.5]) {
      expect(
        answered(await refundCharge({ attemptId: attempt.id, amount, idempotencyKey: newRefundKey() }, { id: finance.id, role: 'finance' })),
      ).toMatchObject({
        ok: false,
        status: 400,
      });
    }
  });

  it('two concurrent full refunds → exactly one refund at Stripe', async () => {
    const finance = await createTestUser('finance');
    const { attempt } = await paidCharge(30000);
    const results = await Promise.all([
      refundCharge({ attemptId: attempt.id, idempotencyKey: newRefundKey() }, { id: finance.id, role: 'finance' }),
      refundCharge({ attemptId: attempt.id, idempotencyKey: newRefundKey() }, { id: finance.id, role: 'finance' }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ reason: 'not_refundable' });
    expect(await stripeRefunds(attempt.stripePaymentIntentId!)).toHaveLength(1);
    expect(refundRows()).toHaveLength(1);
    expect(attemptRow(attempt.id).amountRefunded).toBe(30000);
  });

  it('the same form submitted twice is one refund (idempotency key)', async () => {
    const finance = await createTestUser('finance');
    const { attempt } = await paidCharge(30000);
    const key = newRefundKey();
    const [first, second] = await Promise.all([
      refundCharge({ attemptId: attempt.id, amount: 5000, idempotencyKey: key }, { id: finance.id, role: 'finance' }),
      refundCharge({ attemptId: attempt.id, amount: 5000, idempotencyKey: key }, { id: finance.id, role: 'finance' }),
    ]);
    const third = await refundCharge({ attemptId: attempt.id, amount: 5000, idempotencyKey: key }, { id: finance.id, role: 'finance' });
    expect(first.ok && second.ok && third.ok).toBe(true);
    expect(new Set([first, second, third].map((r) => (r.ok ? r.refundId : 0))).size).toBe(1);
    expect(await stripeRefunds(attempt.stripePaymentIntentId!)).toHaveLength(1);
    expect(attemptRow(attempt.id).amountRefunded).toBe(5000);
  });

  it('a lost answer leaves the refund pending; retrying with the same key settles it without a second refund', async () => {
    const finance = await createTestUser('finance');
    const { attempt } = await paidCharge(30000);
    const key = newRefundKey();
    await sandbox.control('faults', { mode: 'drop_after', count: 4, method: 'POST', path: '/v1/refunds' });
    const lost = await refundCharge({ attemptId: attempt.id, amount: 7000, idempotencyKey: key }, { id: finance.id, role: 'finance' });
    expect(lost).toMatchObject({ ok: true, status: 'pending' });
    expect(refundableAmount({ attemptId: attempt.id })).toBe(23000);
    expect(attemptRow(attempt.id).amountRefunded).toBe(0);
    await sandbox.control('faults', undefined, 'DELETE');
    const retried = await refundCharge({ attemptId: attempt.id, amount: 7000, idempotencyKey: key }, { id: finance.id, role: 'finance' });
    expect(retried).toMatchObject({ ok: true, status: 'succeeded' });
    expect(await stripeRefunds(attempt.stripePaymentIntentId!)).toHaveLength(1);
    expect(attemptRow(attempt.id).amountRefunded).toBe(7000);
  });

  it('a refund left pending is settled later: found at Stripe by its metadata, or re-sent, never doubled', async () => {
    const finance = await createTestUser('finance');
    const { attempt } = await paidCharge(30000);
    // Stripe made this one but the answer was lost; nobody resubmits the form.
    await sandbox.control('faults', { mode: 'drop_after', count: 4, method: 'POST', path: '/v1/refunds' });
    const lost = await refundCharge({ attemptId: attempt.id, amount: 3000, idempotencyKey: newRefundKey() }, { id: finance.id, role: 'finance' });
    await sandbox.control('faults', undefined, 'DELETE');
    // This one never reached Stripe.
    await sandbox.control('faults', { mode: '500_before', count: 6, method: 'POST', path: '/v1/refunds' });
    const unsent = await refundCharge({ attemptId: attempt.id, amount: 2000, idempotencyKey: newRefundKey() }, { id: finance.id, role: 'finance' });
    await sandbox.control('faults', undefined, 'DELETE');
    expect([lost, unsent]).toMatchObject([
      { ok: true, status: 'pending' },
      { ok: true, status: 'pending' },
    ]);
    expect(await stripeRefunds(attempt.stripePaymentIntentId!)).toHaveLength(1);

    expect(await settlePendingRefunds({ olderThanMs: 60_000 })).toEqual([]);
    const settled = await settlePendingRefunds({ olderThanMs: 0 });
    expect(settled.map((s) => s.outcome).sort()).toEqual(['found', 'resent']);
    expect((await stripeRefunds(attempt.stripePaymentIntentId!)).map((r) => r.amount).sort()).toEqual([2000, 3000]);
    expect(refundRows().map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    expect(attemptRow(attempt.id).amountRefunded).toBe(5000);
    expect(await settlePendingRefunds({ olderThanMs: 0 })).toEqual([]);
  });

  it('a refund that never reached Stripe within a day is marked failed and frees its amount', async () => {
    const finance = await createTestUser('finance');
    const { attempt } = await paidCharge(30000);
    await sandbox.control('faults', { mode: '500_before', count: 6, method: 'POST', path: '/v1/refunds' });
    await refundCharge({ attemptId: attempt.id, idempotencyKey: newRefundKey() }, { id: finance.id, role: 'finance' });
    await sandbox.control('faults', undefined, 'DELETE');
    expect(refundableAmount({ attemptId: attempt.id })).toBe(0);
    expect(await settlePendingRefunds({ now: Date.now() + 24 * 3_600_000 })).toMatchObject([{ outcome: 'failed' }]);
    expect(refundableAmount({ attemptId: attempt.id })).toBe(30000);
    expect(await stripeRefunds(attempt.stripePaymentIntentId!)).toHaveLength(0);
  });

  it('refunds above the approval threshold: refused for finance, allowed for a manager', async () => {
    const finance = await createTestUser('finance');
    const manager = await createTestUser('manager');
    const staff = await createTestUser('staff', 'other-staff@keyed.test');
    getDb().insert(settings).values({ key: 'refund_approval_threshold', value: '20000', updatedAt: Date.now() }).run();
    const { attempt } = await paidCharge(30000);
    const refused = await refundCharge({ attemptId: attempt.id, amount: 20001, idempotencyKey: newRefundKey() }, { id: finance.id, role: 'finance' });
    expect(answered(refused)).toMatchObject({ ok: false, status: 403, reason: 'needs_manager', threshold: 20000 });
    expect(await refundCharge({ attemptId: attempt.id, amount: 20000, idempotencyKey: newRefundKey() }, { id: finance.id, role: 'finance' })).toMatchObject({
      ok: true,
    });
    // Splitting does not get around it: the threshold counts everything refunded on the charge.
    expect(await refundCharge({ attemptId: attempt.id, amount: 1, idempotencyKey: newRefundKey() }, { id: finance.id, role: 'finance' })).toMatchObject({
      ok: false,
      reason: 'needs_manager',
    });
    const { attempt: second } = await paidCharge(30000);
    expect(await refundCharge({ attemptId: second.id, idempotencyKey: newRefundKey() }, { id: manager.id, role: 'manager' })).toMatchObject({
      ok: true,
      amount: 30000,
    });
    expect(answered(await refundCharge({ attemptId: second.id, amount: 100, idempotencyKey: newRefundKey() }, { id: staff.id, role: 'staff' }))).toMatchObject({
      ok: false,
      status: 403,
      reason: 'forbidden',
    });
  });

  it('refuses charges that did not succeed', async () => {
    const finance = await createTestUser('finance');
    const staff = await createTestUser('staff');
    const invoice = createInvoice(
      { customerName: 'X', customerEmail: null, customerPhone: null, description: 'Order', amount: 5000, currency: 'usd' },
      { id: staff.id },
    );
    const started = await chargeInvoice(
      { invoiceId: invoice.id, paymentMethodId: await sandbox.paymentMethod('4000000000009995'), attemptKey: newAttemptKey() },
      { id: staff.id },
    );
    if (!started.ok) throw new Error('refused');
    expect(answered(await refundCharge({ attemptId: started.attemptId, idempotencyKey: newRefundKey() }, { id: finance.id, role: 'finance' }))).toMatchObject({
      ok: false,
      status: 409,
      reason: 'not_refundable',
    });
    expect(answered(await refundCharge({ attemptId: 99999, idempotencyKey: newRefundKey() }, { id: finance.id, role: 'finance' }))).toMatchObject({
      ok: false,
      status: 404,
    });
  });
});

describe('refunds and disputes from Stripe by webhook', () => {
  it('a refund made directly in Stripe appears from charge.refunded alone, and its refund.created then adds nothing', async () => {
    const { attempt, invoice } = await paidCharge(30000);
    await sandbox.stripe.refunds.create({ payment_intent: attempt.stripePaymentIntentId!, amount: 12000 });
    expect((await deliver('charge.refunded')).map((r) => r.status)).toEqual([200]);
    expect(refundRows()).toMatchObject([{ attemptId: attempt.id, amount: 12000, status: 'succeeded', userId: null }]);
    expect(invoiceRow(invoice.id)).toMatchObject({ status: 'partially_refunded', amountRefunded: 12000 });
    await deliver('refund.created');
    const rows = refundRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.stripeRefundId).toMatch(/^re_/);
    expect(attemptRow(attempt.id).amountRefunded).toBe(12000);
  });

  it('two outside refunds whose charge.refunded events come first are counted once, however the placeholders split', async () => {
    const { attempt, invoice } = await paidCharge(30000);
    await sandbox.stripe.refunds.create({ payment_intent: attempt.stripePaymentIntentId!, amount: 10000 });
    await sandbox.stripe.refunds.create({ payment_intent: attempt.stripePaymentIntentId!, amount: 20000 });
    await deliver('charge.refunded');
    await deliver('refund.created');
    expect(attemptRow(attempt.id).amountRefunded).toBe(30000);
    expect(
      refundRows()
        .map((r) => r.amount)
        .sort((x, y) => x - y),
    ).toEqual([10000, 20000]);
    expect(refundRows().every((r) => r.stripeRefundId?.startsWith('re_'))).toBe(true);
    expect(invoiceRow(invoice.id)).toMatchObject({ status: 'refunded', amountRefunded: 30000 });
  });

  it('refund.created then charge.refunded (Stripe’s order) records the refund once; a replay changes nothing', async () => {
    const { attempt, invoice } = await paidCharge(30000);
    await sandbox.stripe.refunds.create({ payment_intent: attempt.stripePaymentIntentId!, reason: 'duplicate' });
    await deliver('refund.created');
    await deliver('charge.refunded');
    const snapshot = () => ({
      refunds: refundRows(),
      attempt: attemptRow(attempt.id),
      invoice: invoiceRow(invoice.id),
      audits: getDb().select().from(auditEvents).all().length,
      hooks: getDb().select().from(webhookEvents).all().length,
    });
    const before = snapshot();
    expect(before.refunds).toMatchObject([{ amount: 30000, reason: 'duplicate', status: 'succeeded' }]);
    expect(before.invoice).toMatchObject({ status: 'refunded', amountRefunded: 30000 });
    const replies = [...(await deliver('refund.created')), ...(await deliver('charge.refunded'))];
    expect(replies.map((r) => r.body)).toEqual(['Already processed', 'Already processed']);
    expect(snapshot()).toEqual(before);
    expect(
      getDb()
        .select()
        .from(webhookEvents)
        .all()
        .every((e) => e.objectId),
    ).toBe(true);
  });

  it('the webhooks of a refund made in Keyed do not count it twice', async () => {
    const finance = await createTestUser('finance');
    const { attempt } = await paidCharge(30000);
    await refundCharge({ attemptId: attempt.id, amount: 4000, idempotencyKey: newRefundKey() }, { id: finance.id, role: 'finance' });
    await deliver('refund.created');
    await deliver('charge.refunded');
    expect(refundRows()).toHaveLength(1);
    expect(attemptRow(attempt.id).amountRefunded).toBe(4000);
    const timeline = getChargeDetail({ id: attempt.id })!.timeline;
    expect(timeline.filter((e) => e.kind === 'webhook').map((e) => e.action)).toEqual(expect.arrayContaining(['refund.created', 'charge.refunded']));
  });

  it('a forged refund webhook → 400 and nothing changes', async () => {
    const { attempt } = await paidCharge(30000);
    await sandbox.stripe.refunds.create({ payment_intent: attempt.stripePaymentIntentId!, amount: 1000 });
    const [event] = (await sandbox.stripe.events.list({ type: 'charge.refunded', limit: 1 })).data;
    const payload = JSON.stringify(event);
    const forged = handleStripeWebhook(payload, Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_wrong' }));
    expect(forged.status).toBe(400);
    expect(refundRows()).toHaveLength(0);
  });

  it('charge.dispute.created is recorded on the charge, shown in its detail, and blocks refunds', async () => {
    const finance = await createTestUser('finance');
    const { attempt } = await paidCharge(30000);
    await sandbox.control('disputes', { charge: attempt.stripeChargeId, reason: 'fraudulent' });
    await deliver('charge.dispute.created');
    await deliver('charge.dispute.created');
    expect(attemptRow(attempt.id)).toMatchObject({ disputeReason: 'fraudulent', disputeStatus: 'needs_response', disputeAmount: 30000 });
    expect(attemptRow(attempt.id).stripeDisputeId).toMatch(/^dp_/);
    const detail = getChargeDetail({ id: attempt.id })!;
    expect(detail.timeline.filter((e) => e.kind === 'dispute')).toHaveLength(1);
    expect(await refundCharge({ attemptId: attempt.id, idempotencyKey: newRefundKey() }, { id: finance.id, role: 'finance' })).toMatchObject({
      ok: false,
      reason: 'disputed',
    });
  });
});

describe('finance dashboard figures', () => {
  it('today and this week: volume, refunds and failures per currency', async () => {
    const finance = await createTestUser('finance');
    const { attempt } = await paidCharge(30000, 'cad');
    await refundCharge({ attemptId: attempt.id, amount: 2500, idempotencyKey: newRefundKey() }, { id: finance.id, role: 'finance' });
    const staff = await createTestUser('staff', 'decliner@keyed.test');
    const invoice = createInvoice(
      { customerName: 'X', customerEmail: null, customerPhone: null, description: 'Order', amount: 5000, currency: 'usd' },
      { id: staff.id },
    );
    await chargeInvoice(
      { invoiceId: invoice.id, paymentMethodId: await sandbox.paymentMethod('4000000000000002'), attemptKey: newAttemptKey() },
      { id: staff.id },
    );
    const summary = financeSummary();
    for (const period of [summary.today, summary.week]) {
      expect(period.find((p) => p.currency === 'cad')).toEqual({ currency: 'cad', volume: 30000, succeeded: 1, refunded: 2500, failures: 0 });
      expect(period.find((p) => p.currency === 'usd')).toEqual({ currency: 'usd', volume: 0, succeeded: 0, refunded: 0, failures: 1 });
    }
    expect(summary.since.week).toBeLessThanOrEqual(summary.since.today);
  });
});

describe('demo history in sandbox mode', () => {
  it('the sandbox import refuses malformed payments (and imports nothing)', async () => {
    const good = {
      paymentIntentId: 'pi_3SAAAAAAAAAAAAAAAAAAAAAAAA',
      chargeId: 'ch_3SAAAAAAAAAAAAAAAAAAAAAAAA',
      paymentMethodId: 'pm_3SAAAAAAAAAAAAAAAAAAAAAAAA',
      amount: 1000,
      currency: 'usd',
      created: 1790000000,
      card: { brand: 'visa', last4: '4242', country: 'US', expMonth: 1, expYear: 2030, funding: 'credit' },
    };
    for (const bad of [
      { ...good, amount: 0 },
      { ...good, chargeId: 'nope' },
      { ...good, card: { brand: 'visa', last4: '42424242424242' } },
      { ...good, refunds: [{ id: 're_3SAAAAAAAAAAAAAAAAAAAAAAAA', amount: 1001, created: 1790000001 }] },
    ]) {
      await expect(sandbox.control('history', { payments: [good, bad] })).rejects.toThrow(/400/);
    }
    await expect(sandbox.stripe.paymentIntents.retrieve(good.paymentIntentId)).rejects.toThrow(/No such/);
    expect(await sandbox.control('history', { payments: [good] })).toEqual({ imported: 1, skipped: 0 });
    expect((await sandbox.stripe.paymentIntents.retrieve(good.paymentIntentId)).status).toBe('succeeded');
  });

  it('writes history whose succeeded charges exist in the sandbox, so refunding one through the SDK works', async () => {
    const staff = await createTestUser('staff');
    const finance = await createTestUser('finance');
    const seeded = await seedDemoHistory(getSqlite(), {
      sandboxUrl: sandbox.url,
      attempts: 400,
      days: 30,
      staffUserIds: [staff.id],
      refundUserIds: [finance.id],
    });
    const succeeded = getDb().select().from(paymentAttempts).where(eq(paymentAttempts.status, 'succeeded')).all();
    expect(seeded.generated?.attempts).toBe(400);
    expect(seeded.imported).toBe(succeeded.length);
    // Again (the next start): nothing generated, and nothing sent at all (the high-water marks say it is there).
    expect(await seedDemoHistory(getSqlite(), { sandboxUrl: sandbox.url, attempts: 400, days: 30 })).toEqual({
      generated: null,
      imported: 0,
      skipped: 0,
      unimportable: 0,
    });
    // A fresh sandbox file is repaired from the database.
    await sandbox.control('reset', {});
    expect((await seedDemoHistory(getSqlite(), { sandboxUrl: sandbox.url, days: 30 })).imported).toBe(succeeded.length);

    const untouched = succeeded.find((a) => a.amountRefunded === 0)!;
    const intent = await sandbox.stripe.paymentIntents.retrieve(untouched.stripePaymentIntentId!);
    expect(intent).toMatchObject({ status: 'succeeded', amount: untouched.amount, currency: untouched.currency, latest_charge: untouched.stripeChargeId });
    expect(intent.metadata.attempt_id).toBe(String(untouched.id));
    const part = await refundCharge({ attemptId: untouched.id, amount: 50, idempotencyKey: newRefundKey() }, { id: finance.id, role: 'finance' });
    expect(part).toMatchObject({ ok: true, status: 'succeeded' });

    // A charge already partly refunded in history: Stripe and Keyed agree on what remains.
    const partly = succeeded.find((a) => a.amountRefunded > 0 && a.amountRefunded < a.amount);
    if (partly) {
      const rest = await refundCharge({ attemptId: partly.id, idempotencyKey: newRefundKey() }, { id: finance.id, role: 'finance' });
      expect(rest).toMatchObject({ ok: true, amount: partly.amount - partly.amountRefunded });
      const charge = await sandbox.stripe.charges.retrieve(partly.stripeChargeId!);
      expect(charge).toMatchObject({ amount_refunded: partly.amount, refunded: true });
    }
  });
});
