import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';

import { getDb } from '~/platform/db.server';
import * as chargePage from '~/routes/charges.$id';
import { action as webhookAction } from '~/routes/webhooks.stripe';

import { auditEvents, invoices, paymentAttempts, webhookEvents } from '../../db/schema';
import { useTestDatabase } from '../helpers/database';
import { useSandbox } from '../helpers/sandbox';
import { createTestUser, requestAs, respond } from '../helpers/users';

const WEBHOOK_SECRET = 'whsec_keyedwebhookchecks';
useTestDatabase({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_SECRET_KEY: undefined, STRIPE_PUBLISHABLE_KEY: undefined });
useSandbox();

/** A $50.00 invoice being charged: its attempt is live and, unless said otherwise, already knows its PaymentIntent. */
async function liveAttempt({ intentId = 'pi_theRealOne' as string | null } = {}) {
  const staff = await createTestUser('staff');
  const now = Date.now();
  const invoice = getDb()
    .insert(invoices)
    .values({
      number: 'INV-000050',
      customerName: 'Dana',
      description: 'Deposit',
      amount: 5000,
      currency: 'usd',
      status: 'processing',
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  const attempt = getDb()
    .insert(paymentAttempts)
    .values({
      invoiceId: invoice.id,
      userId: staff.id,
      idempotencyKey: 'attempt-key-1',
      amount: 5000,
      currency: 'usd',
      status: 'unknown',
      paymentMethodId: 'pm_card_visa',
      stripePaymentIntentId: intentId,
      createdAt: now,
    })
    .returning()
    .get();
  return { staff, invoice, attempt };
}

function intentEvent(attemptId: number, intent: { id: string; amount: number; currency: string }, type = 'payment_intent.succeeded') {
  return {
    id: `evt_${Math.random().toString(36).slice(2)}`,
    object: 'event',
    type,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    data: {
      object: {
        object: 'payment_intent',
        status: type === 'payment_intent.succeeded' ? 'succeeded' : 'requires_payment_method',
        amount_received: intent.amount,
        metadata: { attempt_id: String(attemptId) },
        latest_charge: null,
        ...intent,
      },
    },
  };
}

async function post(payload: string, timestamp = Math.floor(Date.now() / 1000)) {
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET, timestamp });
  return respond(() =>
    webhookAction({
      request: new Request('http://127.0.0.1:3000/webhooks/stripe', { method: 'POST', body: payload, headers: { 'Stripe-Signature': signature } }),
      params: {},
      context: {},
    }),
  );
}

const attemptRow = (id: number) => getDb().select().from(paymentAttempts).where(eq(paymentAttempts.id, id)).get()!;
const invoiceStatus = (id: number) => getDb().select().from(invoices).where(eq(invoices.id, id)).get()!.status;
const mismatchAudits = () => getDb().select().from(auditEvents).where(eq(auditEvents.action, 'charge.webhook_mismatch')).all();

describe('webhooks settle only what matches the attempt', () => {
  it('a signed success for a 1¢ PaymentIntent with another id and our attempt id in its metadata is flagged, not applied', async () => {
    const { invoice, attempt } = await liveAttempt();
    const response = await post(JSON.stringify(intentEvent(attempt.id, { id: 'pi_attackersOwn', amount: 1, currency: 'usd' })));
    expect(response.status).toBe(200);
    expect(attemptRow(attempt.id)).toMatchObject({ status: 'unknown', attentionReason: 'webhook_mismatch' });
    expect(attemptRow(attempt.id).needsAttentionAt).not.toBeNull();
    expect(invoiceStatus(invoice.id)).toBe('processing');
    expect(mismatchAudits()[0]!.details).toMatchObject({ mismatches: ['payment_intent', 'amount'], expectedAmount: 5000, reportedAmount: 1 });
  });

  it('the right PaymentIntent id with another amount or currency is flagged too', async () => {
    const { invoice, attempt } = await liveAttempt();
    await post(JSON.stringify(intentEvent(attempt.id, { id: 'pi_theRealOne', amount: 4999, currency: 'usd' })));
    await post(JSON.stringify(intentEvent(attempt.id, { id: 'pi_theRealOne', amount: 5000, currency: 'cad' })));
    expect(attemptRow(attempt.id).status).toBe('unknown');
    expect(invoiceStatus(invoice.id)).toBe('processing');
    expect(mismatchAudits().map((a) => (a.details as { mismatches: string[] }).mismatches)).toEqual([['amount'], ['currency']]);
  });

  it('a matching event still settles, also for an attempt that never learnt its PaymentIntent id', async () => {
    const { invoice, attempt } = await liveAttempt({ intentId: null });
    expect((await post(JSON.stringify(intentEvent(attempt.id, { id: 'pi_learntNow', amount: 5000, currency: 'usd' })))).status).toBe(200);
    expect(attemptRow(attempt.id)).toMatchObject({ status: 'succeeded', stripePaymentIntentId: 'pi_learntNow', attentionReason: null });
    expect(invoiceStatus(invoice.id)).toBe('paid');
    expect(mismatchAudits()).toHaveLength(0);
  });

  it('shows the flag on the charge page', async () => {
    const { attempt } = await liveAttempt();
    await post(JSON.stringify(intentEvent(attempt.id, { id: 'pi_other', amount: 1, currency: 'usd' })));
    const finance = await createTestUser('finance');
    const page = await respond(async () =>
      chargePage.loader({ request: await requestAs(finance.id, `/charges/${attempt.id}`), params: { id: String(attempt.id) }, context: {} }),
    );
    expect(await page.json()).toMatchObject({ charge: { attentionReason: 'webhook_mismatch', needsAttentionAt: expect.any(Number) } });
  });
});

describe('webhook envelopes', () => {
  it('a signed event with a null data.object is a 400 and is not recorded', async () => {
    const payload = JSON.stringify({ id: 'evt_null', object: 'event', type: 'payment_intent.succeeded', created: 1, data: { object: null } });
    expect((await post(payload)).status).toBe(400);
    const noData = JSON.stringify({ id: 'evt_nodata', object: 'event', type: 'charge.refunded', created: 1 });
    expect((await post(noData)).status).toBe(400);
    expect(getDb().select().from(webhookEvents).all()).toHaveLength(0);
  });

  it('refuses signatures dated far in the future as it refuses old ones', async () => {
    const { attempt } = await liveAttempt();
    const payload = JSON.stringify(intentEvent(attempt.id, { id: 'pi_theRealOne', amount: 5000, currency: 'usd' }));
    const now = Math.floor(Date.now() / 1000);
    expect((await post(payload, now + 3600)).status).toBe(400);
    expect((await post(payload, now + 24 * 3600 * 365)).status).toBe(400);
    expect((await post(payload, now - 3600)).status).toBe(400);
    expect(attemptRow(attempt.id).status).toBe('unknown');
    expect((await post(payload, now + 30)).status).toBe(200);
    expect(attemptRow(attempt.id).status).toBe('succeeded');
  });
});
