import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';

import { createInvoice } from '~/invoices/invoices.server';
import { chargeInvoice, newAttemptKey } from '~/payments/charge-invoice.server';
import { getDb } from '~/platform/db.server';
import { newRefundKey, refundCharge } from '~/refunds/refund-charge.server';
import { RECENT_DUPLICATE_WINDOW_MS } from '~/refunds/refund-rules.server';
import { reviewRefund } from '~/refunds/review-refund.server';
import { action as chargeAction, loader as chargeLoader } from '~/routes/charges.$id';

import { auditEvents, paymentAttempts, refunds, settings } from '../../db/schema';
import { useTestDatabase } from '../helpers/database';
import { useSandbox } from '../helpers/sandbox';
import { createTestUser, requestAs, respond } from '../helpers/users';

useTestDatabase({ STRIPE_SECRET_KEY: undefined, STRIPE_PUBLISHABLE_KEY: undefined, ALLOWED_CARD_COUNTRIES: undefined });
const sandbox = useSandbox();

/** A paid invoice for Léa Bouchard, charged through the real payment flow against the sandbox (Visa 4242). */
async function paidCharge(amount = 30000, currency: 'usd' | 'cad' = 'cad') {
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

const stripeRefunds = async (pi: string) => (await sandbox.stripe.refunds.list({ payment_intent: pi, limit: 100 })).data;
const refundRows = () => getDb().select().from(refunds).all();

describe('a second identical refund on the same charge', () => {
  it('is refused by the server unless the person said "yes, another one"; nothing reaches Stripe when refused', async () => {
    const finance = await createTestUser('finance');
    const actor = { id: finance.id, role: 'finance' as const };
    const charge = await paidCharge(30000);
    expect(await refundCharge({ attemptId: charge.id, amount: 500, idempotencyKey: newRefundKey() }, actor)).toMatchObject({ ok: true, amount: 500 });

    const again = await refundCharge({ attemptId: charge.id, amount: 500, idempotencyKey: newRefundKey() }, actor);
    expect(again).toMatchObject({ ok: false, reason: 'recent_duplicate', params: { amount: 500 } });
    expect(again.ok === false && again.params?.previousAt).toBeGreaterThan(Date.now() - 60_000);
    expect(await stripeRefunds(charge.stripePaymentIntentId!)).toHaveLength(1);
    expect(refundRows()).toHaveLength(1);

    // A different amount is a different refund; the same amount with an explicit yes goes through.
    expect(await refundCharge({ attemptId: charge.id, amount: 400, idempotencyKey: newRefundKey() }, actor)).toMatchObject({ ok: true });
    expect(await refundCharge({ attemptId: charge.id, amount: 500, idempotencyKey: newRefundKey(), allowRecentDuplicate: true }, actor)).toMatchObject({
      ok: true,
      amount: 500,
    });
    expect((await stripeRefunds(charge.stripePaymentIntentId!)).map((r) => r.amount).sort()).toEqual([400, 500, 500]);
  });

  it('counts "everything that remains" as its amount, and expires after the window', async () => {
    const finance = await createTestUser('finance');
    const actor = { id: finance.id, role: 'finance' as const };
    const charge = await paidCharge(30000);
    expect(await refundCharge({ attemptId: charge.id, amount: 15000, idempotencyKey: newRefundKey() }, actor)).toMatchObject({ ok: true });
    // What remains is 15,000 too: the same money again.
    expect(await refundCharge({ attemptId: charge.id, idempotencyKey: newRefundKey() }, actor)).toMatchObject({ ok: false, reason: 'recent_duplicate' });
    getDb()
      .update(refunds)
      .set({ createdAt: Date.now() - RECENT_DUPLICATE_WINDOW_MS - 1000 })
      .run();
    expect(await refundCharge({ attemptId: charge.id, idempotencyKey: newRefundKey() }, actor)).toMatchObject({ ok: true, amount: 15000 });
  });

  it('two identical refunds submitted at the same moment from two tabs: one is sent, the other waits for a yes', async () => {
    const finance = await createTestUser('finance');
    const actor = { id: finance.id, role: 'finance' as const };
    const charge = await paidCharge(30000);
    const results = await Promise.all([
      refundCharge({ attemptId: charge.id, amount: 1000, idempotencyKey: newRefundKey() }, actor),
      refundCharge({ attemptId: charge.id, amount: 1000, idempotencyKey: newRefundKey() }, actor),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ reason: 'recent_duplicate' });
    expect(await stripeRefunds(charge.stripePaymentIntentId!)).toHaveLength(1);
  });

  it('the same submission resent (same key) is still the one refund, not a duplicate refusal', async () => {
    const finance = await createTestUser('finance');
    const actor = { id: finance.id, role: 'finance' as const };
    const charge = await paidCharge(30000);
    const key = newRefundKey();
    const first = await refundCharge({ attemptId: charge.id, amount: 700, idempotencyKey: key }, actor);
    const resent = await refundCharge({ attemptId: charge.id, amount: 700, idempotencyKey: key }, actor);
    expect(first.ok && resent.ok && first.refundId === resent.refundId).toBe(true);
  });
});

describe('the confirmation step', () => {
  it('review states amount, currency, card and customer, writes nothing, and flags a recent identical refund', async () => {
    const finance = await createTestUser('finance');
    const actor = { id: finance.id, role: 'finance' as const };
    const charge = await paidCharge(30000);
    const before = getDb().select().from(auditEvents).all().length;
    expect(reviewRefund({ attemptId: charge.id, amount: 500 }, actor)).toEqual({
      ok: true,
      amount: 500,
      currency: 'cad',
      needsApproval: false,
      threshold: 50000,
      recentDuplicate: null,
      card: { brand: 'visa', last4: '4242' },
      customerName: 'Léa Bouchard',
    });
    expect(reviewRefund({ attemptId: charge.id }, actor)).toMatchObject({ ok: true, amount: 30000 });
    expect(reviewRefund({ attemptId: charge.id, amount: 30001 }, actor)).toMatchObject({ ok: false, reason: 'exceeds_remaining' });
    expect(reviewRefund({ attemptId: charge.id, amount: 5 }, { id: 1, role: 'staff' })).toEqual({ ok: false, reason: 'forbidden' });
    expect(getDb().select().from(auditEvents).all()).toHaveLength(before);
    expect(refundRows()).toHaveLength(0);

    await refundCharge({ attemptId: charge.id, amount: 500, idempotencyKey: newRefundKey() }, actor);
    const flagged = reviewRefund({ attemptId: charge.id, amount: 500 }, actor);
    expect(flagged.ok && flagged.recentDuplicate?.at).toBeGreaterThan(0);
  });

  it('through the route: review → confirmation data, confirm → one refund and a redirect; the page then offers a fresh, empty form', async () => {
    const finance = await createTestUser('finance');
    const charge = await paidCharge(30000);
    const post = async (form: Record<string, string>) =>
      respond(async () =>
        chargeAction({ request: await requestAs(finance.id, `/charges/${charge.id}`, { form }), params: { id: String(charge.id) }, context: {} }),
      );
    const load = async () =>
      (
        await respond(async () =>
          chargeLoader({ request: await requestAs(finance.id, `/charges/${charge.id}`), params: { id: String(charge.id) }, context: {} }),
        )
      ).json();

    const page = await load();
    const key = page.refund.key as string;
    const reviewed = await post({ intent: 'review', idempotencyKey: key, amount: '5.00', reason: 'requested_by_customer' });
    expect(reviewed.status).toBe(200);
    const { review } = await reviewed.json();
    expect(review).toMatchObject({
      key,
      amount: 500,
      currency: 'cad',
      cardBrand: 'visa',
      cardLast4: '4242',
      customerName: 'Léa Bouchard',
      recentDuplicateAt: null,
    });
    expect(refundRows()).toHaveLength(0);

    // A bad amount is a field error on the amount, not a 500.
    const bad = await post({ intent: 'review', idempotencyKey: key, amount: 'five', reason: 'requested_by_customer' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).fieldErrors.amount).toEqual(['Enter an amount above zero, like 25.00.']);

    const confirm = { intent: 'refund', idempotencyKey: key, amount: '500', reason: 'requested_by_customer' };
    const done = await post(confirm);
    expect(done.status).toBe(302);
    // A double click (the same confirmation twice) is the same refund.
    expect((await post(confirm)).status).toBe(302);
    expect(await stripeRefunds(charge.stripePaymentIntentId!)).toHaveLength(1);

    const after = await load();
    expect(after.refund.key).not.toBe(key);
    expect(after.charge.refundableAmount).toBe(29500);

    // The same amount again from the fresh form: the review warns, and confirming without the yes is refused.
    const second = await (await post({ intent: 'review', idempotencyKey: after.refund.key, amount: '5.00', reason: 'duplicate' })).json();
    expect(second.review.recentDuplicateAt).toBeGreaterThan(0);
    const refused = await post({ intent: 'refund', idempotencyKey: after.refund.key, amount: '500', reason: 'duplicate' });
    expect(refused.status).toBe(409);
    const refusedBody = await refused.json();
    expect(refusedBody.error).toMatch(/^A refund of CA\$5\.00 was just made on this charge/);
    expect(refusedBody.review).toMatchObject({ amount: 500, recentDuplicateAt: expect.any(Number) });
    expect(await stripeRefunds(charge.stripePaymentIntentId!)).toHaveLength(1);
    const yes = await post({ intent: 'refund', idempotencyKey: after.refund.key, amount: '500', reason: 'duplicate', allowRecentDuplicate: 'yes' });
    expect(yes.status).toBe(302);
    expect(await stripeRefunds(charge.stripePaymentIntentId!)).toHaveLength(2);
  });

  it('a tampered confirmation (amount above what remains, or a stale key) is refused without a refund', async () => {
    const finance = await createTestUser('finance');
    const charge = await paidCharge(30000);
    const post = async (form: Record<string, string>) =>
      respond(async () =>
        chargeAction({ request: await requestAs(finance.id, `/charges/${charge.id}`, { form }), params: { id: String(charge.id) }, context: {} }),
      );
    expect((await post({ intent: 'refund', idempotencyKey: newRefundKey(), amount: '30001', reason: 'duplicate' })).status).toBe(400);
    expect((await post({ intent: 'refund', idempotencyKey: 'refund_short', amount: '100', reason: 'duplicate' })).status).toBe(400);
    expect((await post({ intent: 'refund', idempotencyKey: newRefundKey(), amount: '-5', reason: 'duplicate' })).status).toBe(400);
    expect(refundRows()).toHaveLength(0);
    getDb().insert(settings).values({ key: 'refund_approval_threshold', value: '100', updatedAt: Date.now() }).run();
    // Above the threshold, sending it directly is refused (the approval path is the way).
    expect((await post({ intent: 'refund', idempotencyKey: newRefundKey(), amount: '101', reason: 'duplicate' })).status).toBe(403);
    expect(await stripeRefunds(charge.stripePaymentIntentId!)).toHaveLength(0);
  });
});
