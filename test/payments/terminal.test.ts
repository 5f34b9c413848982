import { spawn } from 'node:child_process';

import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';

import { createInvoice } from '~/invoices/invoices.server';
import { INVOICE_DECLINE_LIMIT, STAFF_DECLINE_LIMIT } from '~/payments/card-testing.server';
import { newAttemptKey } from '~/payments/charge-invoice.server';
import { reconcileAttempts } from '~/payments/reconciler.server';
import { getDb } from '~/platform/db.server';
import { getEnv } from '~/platform/env.server';
import { fixedT } from '~/platform/i18n';
import { action as terminalAction, loader as terminalLoader } from '~/routes/terminal';
import { action as webhookAction } from '~/routes/webhooks.stripe';

import { auditEvents, invoices, paymentAttempts, users, webhookEvents } from '../../db/schema';
import { useTestDatabase } from '../helpers/database';
import { useSandbox } from '../helpers/sandbox';
import { createTestUser, requestAs, respond } from '../helpers/users';

const en = fixedT('en');
const AUTHENTICATION_REQUIRED_MESSAGE =
  "This card needs the bank's authentication (3-D Secure), which this terminal cannot do over the phone. Ask for a different card.";
const WEBHOOK_SECRET = 'whsec_keyedterminaltestsecret';
useTestDatabase({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_SECRET_KEY: undefined, STRIPE_PUBLISHABLE_KEY: undefined, ALLOWED_CARD_COUNTRIES: undefined });
const sandbox = useSandbox();

function newInvoice(userId: number, overrides: Partial<{ amount: number; currency: 'usd' | 'cad'; customerEmail: string | null }> = {}) {
  return createInvoice(
    {
      customerName: 'Phone Customer',
      customerEmail: 'buyer@example.com',
      customerPhone: null,
      description: 'Order by phone',
      amount: 109900,
      currency: 'usd',
      ...overrides,
    },
    { id: userId },
  );
}

async function charge(userId: number, form: Record<string, string>) {
  const request = await requestAs(userId, '/terminal', { form: { intent: 'charge', ...form } });
  return respond(() => terminalAction({ request, params: {}, context: {} }));
}

/** What staff see after the redirect: the terminal loader's outcome for the attempt. */
async function outcomeAfter(userId: number, response: Response) {
  expect(response.status).toBe(302);
  const location = response.headers.get('Location')!;
  const request = await requestAs(userId, location);
  const data = await (await respond(() => terminalLoader({ request, params: {}, context: {} }))).json();
  // The words staff read, in English, as the terminal renders them.
  const staffMessage = data.attempt.messageKey ? en(data.attempt.messageKey, { countries: data.allowedCountries }) : null;
  return { ...data.attempt, staffMessage } as {
    status: string;
    staffMessage: string | null;
    authenticationRequired: boolean;
    failureCode: string | null;
    declineCode: string | null;
    cardLast4: string;
    stripePaymentIntentId: string | null;
    receiptEmail: string | null;
  };
}

async function intentsInSandbox() {
  return (await sandbox.stripe.paymentIntents.list({ limit: 100 })).data;
}

const attemptRows = () => getDb().select().from(paymentAttempts).all();
const invoiceStatus = (id: number) => getDb().select({ status: invoices.status }).from(invoices).where(eq(invoices.id, id)).get()?.status;

describe('charging each Stripe test card through the real route action', () => {
  const CARDS: { number: string; status: string; code?: string; decline?: string; message?: string }[] = [
    { number: '4242424242424242', status: 'succeeded' },
    { number: '4000001240000000', status: 'succeeded' },
    { number: '5555555555554444', status: 'succeeded' },
    {
      number: '4000000000009995',
      status: 'failed',
      code: 'card_declined',
      decline: 'insufficient_funds',
      message: 'Declined — insufficient funds. Ask the customer for another card.',
    },
    {
      number: '4000000000000002',
      status: 'failed',
      code: 'card_declined',
      decline: 'generic_decline',
      message: 'Declined by the bank. Ask the customer to call their bank, or use another card.',
    },
    { number: '4000000000009987', status: 'failed', code: 'card_declined', decline: 'lost_card', message: 'Declined. Do not retry this card.' },
    { number: '4000000000009979', status: 'failed', code: 'card_declined', decline: 'stolen_card', message: 'Declined. Do not retry this card.' },
    {
      number: '4000000000000069',
      status: 'failed',
      code: 'expired_card',
      message: 'Declined — the card has expired. Check the expiry date with the customer, or ask for another card.',
    },
    {
      number: '4000000000000127',
      status: 'failed',
      code: 'incorrect_cvc',
      message: 'Declined — the security code is wrong. Ask the customer to read the 3 or 4 digits again.',
    },
    {
      number: '4000000000000119',
      status: 'failed',
      code: 'processing_error',
      message: 'The bank had a processing error. Try the same card again in a moment.',
    },
    { number: '4000000000000341', status: 'failed', code: 'card_declined' },
    {
      number: '4000002500003155',
      status: 'failed',
      code: 'authentication_required',
      decline: 'authentication_not_handled',
      message: AUTHENTICATION_REQUIRED_MESSAGE,
    },
    {
      number: '4000002760003184',
      status: 'failed',
      code: 'authentication_required',
      decline: 'authentication_not_handled',
      message: AUTHENTICATION_REQUIRED_MESSAGE,
    },
    {
      number: '4000000000003220',
      status: 'failed',
      code: 'authentication_required',
      decline: 'authentication_not_handled',
      message: AUTHENTICATION_REQUIRED_MESSAGE,
    },
  ];

  for (const card of CARDS) {
    it(`${card.number} → ${card.status}${card.decline ? ` (${card.decline})` : card.code ? ` (${card.code})` : ''}`, async () => {
      const staff = await createTestUser('staff');
      const invoice = newInvoice(staff.id);
      const response = await charge(staff.id, {
        invoiceId: String(invoice.id),
        paymentMethodId: await sandbox.paymentMethod(card.number),
        attemptKey: newAttemptKey(),
      });
      const outcome = await outcomeAfter(staff.id, response);
      expect(outcome.status).toBe(card.status);
      expect(outcome.cardLast4).toBe(card.number.slice(-4));
      expect(invoiceStatus(invoice.id)).toBe(card.status === 'succeeded' ? 'paid' : 'open');
      if (card.status === 'succeeded') {
        expect(outcome.stripePaymentIntentId).toMatch(/^pi_/);
        expect(outcome.receiptEmail).toBe('buyer@example.com');
        const intent = await sandbox.stripe.paymentIntents.retrieve(outcome.stripePaymentIntentId!);
        expect(intent).toMatchObject({ amount: 109900, currency: 'usd', status: 'succeeded', receipt_email: 'buyer@example.com' });
        expect(intent.metadata).toEqual({ invoice_id: String(invoice.id), attempt_id: String(attemptRows()[0]!.id), user_id: String(staff.id) });
      } else {
        expect(outcome.failureCode).toBe(card.code);
        if (card.decline) expect(outcome.declineCode).toBe(card.decline);
        if (card.message) expect(outcome.staffMessage).toBe(card.message);
        expect(outcome.authenticationRequired).toBe(card.code === 'authentication_required');
      }
      const actions = getDb()
        .select({ action: auditEvents.action })
        .from(auditEvents)
        .all()
        .map((e) => e.action);
      expect(actions).toContain('charge.attempted');
      expect(actions).toContain(`charge.${card.status}`);
    });
  }

  it('records the card country and refuses countries outside ALLOWED_CARD_COUNTRIES before charging', async () => {
    process.env.ALLOWED_CARD_COUNTRIES = 'US,CA';
    const { resetEnvCache } = await import('~/platform/env.server');
    resetEnvCache();
    expect(getEnv().ALLOWED_CARD_COUNTRIES).toEqual(['US', 'CA']);
    const staff = await createTestUser('staff');
    const invoice = newInvoice(staff.id);
    const uk = await charge(staff.id, {
      invoiceId: String(invoice.id),
      paymentMethodId: await sandbox.paymentMethod('4000008260000000'),
      attemptKey: newAttemptKey(),
    });
    const blocked = await outcomeAfter(staff.id, uk);
    expect(blocked.status).toBe('blocked');
    expect(blocked.staffMessage).toBe('This business accepts cards from US, CA only. Ask for another card.');
    expect(await intentsInSandbox()).toHaveLength(0);
    expect(invoiceStatus(invoice.id)).toBe('open');
    const ca = await charge(staff.id, {
      invoiceId: String(invoice.id),
      paymentMethodId: await sandbox.paymentMethod('4000001240000000'),
      attemptKey: newAttemptKey(),
    });
    expect((await outcomeAfter(staff.id, ca)).status).toBe('succeeded');
    expect(attemptRows().map((a) => a.cardCountry)).toEqual(['GB', 'CA']);
  });
});

describe('the server decides the amount', () => {
  it('ignores an amount and currency sent by the browser, and audits the attempt to send them', async () => {
    const staff = await createTestUser('staff');
    const invoice = newInvoice(staff.id, { amount: 4500, currency: 'cad' });
    const response = await charge(staff.id, {
      invoiceId: String(invoice.id),
      paymentMethodId: await sandbox.paymentMethod('4242424242424242'),
      attemptKey: newAttemptKey(),
      amount: '1',
      currency: 'usd',
    });
    expect((await outcomeAfter(staff.id, response)).status).toBe('succeeded');
    const [intent] = await intentsInSandbox();
    expect(intent).toMatchObject({ amount: 4500, currency: 'cad' });
    expect(attemptRows()[0]).toMatchObject({ amount: 4500, currency: 'cad' });
    const tamper = getDb().select().from(auditEvents).where(eq(auditEvents.action, 'charge.client_amount_ignored')).get();
    expect(tamper?.details).toEqual({ amount: '1', currency: 'usd' });
  });

  it('refuses to charge a paid or void invoice, and sends nothing to Stripe', async () => {
    const staff = await createTestUser('staff');
    const paid = newInvoice(staff.id);
    const voided = newInvoice(staff.id);
    getDb().update(invoices).set({ status: 'paid' }).where(eq(invoices.id, paid.id)).run();
    getDb().update(invoices).set({ status: 'void' }).where(eq(invoices.id, voided.id)).run();
    for (const invoice of [paid, voided]) {
      const response = await charge(staff.id, {
        invoiceId: String(invoice.id),
        paymentMethodId: await sandbox.paymentMethod('4242424242424242'),
        attemptKey: newAttemptKey(),
      });
      expect(response.status).toBe(409);
      expect((await response.json()).error).toMatch(/is (paid|void) and cannot be charged/);
    }
    expect(attemptRows()).toHaveLength(0);
    expect(await intentsInSandbox()).toHaveLength(0);
  });

  it('answers malformed input with 400 and an unknown invoice with 404, writing nothing', async () => {
    const staff = await createTestUser('staff');
    const invoice = newInvoice(staff.id);
    const pm = await sandbox.paymentMethod('4242424242424242');
    for (const bad of [{ invoiceId: 'abc' }, { paymentMethodId: '4242424242424242' }, { attemptKey: 'guess' }, { invoiceId: '' }]) {
      const response = await charge(staff.id, { invoiceId: String(invoice.id), paymentMethodId: pm, attemptKey: newAttemptKey(), ...bad });
      expect(response.status).toBe(400);
    }
    expect((await charge(staff.id, { invoiceId: '999', paymentMethodId: pm, attemptKey: newAttemptKey() })).status).toBe(404);
    expect(attemptRows()).toHaveLength(0);
  });
});

describe('no double charge', () => {
  it('50 concurrent submissions with the same key → one PaymentIntent, one paid invoice', async () => {
    const staff = await createTestUser('staff');
    const invoice = newInvoice(staff.id);
    const form = { invoiceId: String(invoice.id), paymentMethodId: await sandbox.paymentMethod('4242424242424242'), attemptKey: newAttemptKey() };
    const responses = await Promise.all(Array.from({ length: 50 }, () => charge(staff.id, form)));
    expect(responses.every((r) => r.status === 302)).toBe(true);
    expect(new Set(responses.map((r) => r.headers.get('Location'))).size).toBe(1);
    expect(await intentsInSandbox()).toHaveLength(1);
    expect(attemptRows()).toHaveLength(1);
    expect(invoiceStatus(invoice.id)).toBe('paid');
  });

  it('50 concurrent submissions with different keys → one PaymentIntent, the rest told it is in progress', async () => {
    const staff = await createTestUser('staff');
    const invoice = newInvoice(staff.id);
    const pm = await sandbox.paymentMethod('4242424242424242');
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => charge(staff.id, { invoiceId: String(invoice.id), paymentMethodId: pm, attemptKey: newAttemptKey() })),
    );
    expect(responses.filter((r) => r.status === 302)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 409)).toHaveLength(49);
    expect(await intentsInSandbox()).toHaveLength(1);
    expect(invoiceStatus(invoice.id)).toBe('paid');
  });

  it('two staff charging the same invoice at once → one charge', async () => {
    const alice = await createTestUser('staff', 'alice@keyed.test');
    const bob = await createTestUser('staff', 'bob@keyed.test');
    const invoice = newInvoice(alice.id);
    const [a, b] = await Promise.all([
      charge(alice.id, { invoiceId: String(invoice.id), paymentMethodId: await sandbox.paymentMethod('4242424242424242'), attemptKey: newAttemptKey() }),
      charge(bob.id, { invoiceId: String(invoice.id), paymentMethodId: await sandbox.paymentMethod('5555555555554444'), attemptKey: newAttemptKey() }),
    ]);
    expect([a.status, b.status].sort()).toEqual([302, 409]);
    expect(await intentsInSandbox()).toHaveLength(1);
    expect(attemptRows()).toHaveLength(1);
  });

  it('the database refuses a second live attempt on one invoice even if the checks were bypassed', async () => {
    const staff = await createTestUser('staff');
    const invoice = newInvoice(staff.id);
    const row = { invoiceId: invoice.id, userId: staff.id, amount: 100, currency: 'usd' as const, status: 'pending' as const, paymentMethodId: 'pm_x' };
    getDb()
      .insert(paymentAttempts)
      .values({ ...row, idempotencyKey: newAttemptKey() })
      .run();
    expect(() =>
      getDb()
        .insert(paymentAttempts)
        .values({ ...row, idempotencyKey: newAttemptKey(), status: 'succeeded' })
        .run(),
    ).toThrow(/UNIQUE/);
  });
});

describe('no lost outcome', () => {
  it('sandbox "500 before processing" → the SDK retries with the same key and the charge settles once', async () => {
    const staff = await createTestUser('staff');
    const invoice = newInvoice(staff.id);
    await sandbox.control('faults', { mode: '500_before', count: 1, method: 'POST', path: '/v1/payment_intents' });
    const response = await charge(staff.id, {
      invoiceId: String(invoice.id),
      paymentMethodId: await sandbox.paymentMethod('4242424242424242'),
      attemptKey: newAttemptKey(),
    });
    expect((await outcomeAfter(staff.id, response)).status).toBe('succeeded');
    expect(await intentsInSandbox()).toHaveLength(1);
  });

  it('"process, then drop the connection" → unknown, then the reconciler settles it as succeeded with no second charge', async () => {
    const staff = await createTestUser('staff');
    const invoice = newInvoice(staff.id);
    // Every try the SDK makes loses its reply.
    await sandbox.control('faults', { mode: 'drop_after', count: 3, method: 'POST', path: '/v1/payment_intents' });
    const response = await charge(staff.id, {
      invoiceId: String(invoice.id),
      paymentMethodId: await sandbox.paymentMethod('4242424242424242'),
      attemptKey: newAttemptKey(),
    });
    const outcome = await outcomeAfter(staff.id, response);
    expect(outcome.status).toBe('unknown');
    expect(invoiceStatus(invoice.id)).toBe('processing');
    expect(en('payment.unknownOutcome')).toBe('We could not confirm the result. Do not re-enter the card — Keyed is checking with Stripe.');
    expect(await intentsInSandbox()).toHaveLength(1);

    const report = await reconcileAttempts({ minAgeMs: 0 });
    expect(report).toMatchObject({ checked: 1, settled: 1 });
    expect(attemptRows()[0]).toMatchObject({ status: 'succeeded', reconcileAttempts: 0 });
    expect(invoiceStatus(invoice.id)).toBe('paid');
    expect(await intentsInSandbox()).toHaveLength(1);
  });

  it('a crash between the Stripe call and the outcome write is settled on the next start', async () => {
    const staff = await createTestUser('staff');
    const invoice = newInvoice(staff.id);
    const pm = await sandbox.paymentMethod('4242424242424242');
    const exit = await new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => {
      let stderr = '';
      const child = spawn('npx', ['tsx', 'test/fixtures/crash-mid-charge.ts', String(invoice.id), pm, newAttemptKey(), String(staff.id)], {
        env: { ...process.env, SANDBOX_PORT: String(sandbox.port) },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
    });
    expect(exit.stderr).not.toContain('unreachable');
    expect(exit.code === null || exit.code === 137 || exit.signal === 'SIGKILL').toBe(true);
    // The charge happened at Stripe, but Keyed never wrote it down.
    expect(await intentsInSandbox()).toHaveLength(1);
    expect(attemptRows()[0]).toMatchObject({ status: 'pending' });
    expect(invoiceStatus(invoice.id)).toBe('processing');

    // What the launcher runs at start.
    await reconcileAttempts({ minAgeMs: 0 });
    expect(attemptRows()[0]).toMatchObject({ status: 'succeeded' });
    expect(invoiceStatus(invoice.id)).toBe('paid');
    expect(await intentsInSandbox()).toHaveLength(1);
  });

  it('a signed webhook settles an unknown attempt; a replay changes nothing', async () => {
    const staff = await createTestUser('staff');
    const invoice = newInvoice(staff.id);
    await sandbox.control('faults', { mode: 'drop_after', count: 3, method: 'POST', path: '/v1/payment_intents' });
    await charge(staff.id, { invoiceId: String(invoice.id), paymentMethodId: await sandbox.paymentMethod('4242424242424242'), attemptKey: newAttemptKey() });
    expect(attemptRows()[0]!.status).toBe('unknown');
    const events = await sandbox.stripe.events.list({ type: 'payment_intent.succeeded' });
    expect(events.data).toHaveLength(1);
    const payload = JSON.stringify(events.data[0]);
    const post = async (body: string, signature: string) =>
      respond(() =>
        webhookAction({
          request: new Request('http://127.0.0.1:3000/webhooks/stripe', { method: 'POST', body, headers: { 'Stripe-Signature': signature } }),
          params: {},
          context: {},
        }),
      );
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    expect((await post(payload, signature)).status).toBe(200);
    expect(attemptRows()[0]).toMatchObject({ status: 'succeeded' });
    expect(invoiceStatus(invoice.id)).toBe('paid');
    const auditCount = getDb().select().from(auditEvents).all().length;
    expect((await post(payload, signature)).status).toBe(200);
    expect(getDb().select().from(auditEvents).all()).toHaveLength(auditCount);
    expect(getDb().select().from(webhookEvents).all()).toHaveLength(1);
  });

  it('an event recorded but never applied (a crash in between) is applied when Stripe retries it', async () => {
    const staff = await createTestUser('staff');
    const invoice = newInvoice(staff.id);
    await sandbox.control('faults', { mode: 'drop_after', count: 3, method: 'POST', path: '/v1/payment_intents' });
    await charge(staff.id, { invoiceId: String(invoice.id), paymentMethodId: await sandbox.paymentMethod('4242424242424242'), attemptKey: newAttemptKey() });
    const [event] = (await sandbox.stripe.events.list({ type: 'payment_intent.succeeded' })).data;
    getDb().insert(webhookEvents).values({ id: event!.id, type: event!.type, receivedAt: Date.now() }).run();
    const payload = JSON.stringify(event);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    const response = await respond(() =>
      webhookAction({
        request: new Request('http://127.0.0.1:3000/webhooks/stripe', { method: 'POST', body: payload, headers: { 'Stripe-Signature': signature } }),
        params: {},
        context: {},
      }),
    );
    expect(response.status).toBe(200);
    expect(attemptRows()[0]!.status).toBe('succeeded');
  });

  it('a forged webhook signature → 400 and nothing changes', async () => {
    const staff = await createTestUser('staff');
    const invoice = newInvoice(staff.id);
    await sandbox.control('faults', { mode: 'drop_after', count: 3, method: 'POST', path: '/v1/payment_intents' });
    await charge(staff.id, { invoiceId: String(invoice.id), paymentMethodId: await sandbox.paymentMethod('4242424242424242'), attemptKey: newAttemptKey() });
    const [event] = (await sandbox.stripe.events.list({ type: 'payment_intent.succeeded' })).data;
    const payload = JSON.stringify(event);
    const forged = Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_not_the_real_secret' });
    const tampered = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    for (const [body, signature] of [
      [payload, forged],
      [payload.replace('succeeded', 'succeeded '), tampered],
      [payload, ''],
    ] as const) {
      const response = await respond(() =>
        webhookAction({
          request: new Request('http://127.0.0.1:3000/webhooks/stripe', { method: 'POST', body, headers: signature ? { 'Stripe-Signature': signature } : {} }),
          params: {},
          context: {},
        }),
      );
      expect(response.status).toBe(400);
    }
    expect(attemptRows()[0]!.status).toBe('unknown');
    expect(invoiceStatus(invoice.id)).toBe('processing');
    expect(getDb().select().from(webhookEvents).all()).toHaveLength(0);
  });

  it('past the re-send window, flags the attempt and only looks it up in Stripe: settled with no second charge', async () => {
    const staff = await createTestUser('staff');
    const invoice = newInvoice(staff.id);
    await sandbox.control('faults', { mode: 'drop_after', count: 3, method: 'POST', path: '/v1/payment_intents' });
    await charge(staff.id, { invoiceId: String(invoice.id), paymentMethodId: await sandbox.paymentMethod('4242424242424242'), attemptKey: newAttemptKey() });
    const report = await reconcileAttempts({ now: Date.now() + 25 * 3_600_000 });
    expect(report).toMatchObject({ flagged: 1, checked: 1, settled: 1 });
    expect(attemptRows()[0]).toMatchObject({ status: 'succeeded', needsAttentionAt: null });
    expect(invoiceStatus(invoice.id)).toBe('paid');
    expect(await intentsInSandbox()).toHaveLength(1);
    expect(getDb().select().from(auditEvents).where(eq(auditEvents.action, 'charge.needs_attention')).all()).toHaveLength(1);
  });

  it('"Check now" on an attempt past the window never sends a charge: one that never reached Stripe is failed', async () => {
    const staff = await createTestUser('staff');
    const invoice = newInvoice(staff.id);
    const old = Date.now() - 25 * 3_600_000;
    const [row] = getDb()
      .insert(paymentAttempts)
      .values({
        invoiceId: invoice.id,
        userId: staff.id,
        idempotencyKey: newAttemptKey(),
        amount: 109900,
        currency: 'usd',
        status: 'unknown',
        paymentMethodId: await sandbox.paymentMethod('4242424242424242'),
        createdAt: old,
        sentAt: old,
      })
      .returning()
      .all();
    getDb().update(invoices).set({ status: 'processing' }).where(eq(invoices.id, invoice.id)).run();
    const { reconcileAttempt } = await import('~/payments/reconciler.server');
    expect(await reconcileAttempt(row!.id)).toBe('failed');
    expect(attemptRows()[0]).toMatchObject({ status: 'failed', failureCode: 'not_sent' });
    expect(invoiceStatus(invoice.id)).toBe('open');
    expect(await intentsInSandbox()).toHaveLength(0);
  });

  it('a hundred old unsettled attempts do not crowd out a fresh one', async () => {
    const staff = await createTestUser('staff');
    const old = Date.now() - 30 * 3_600_000;
    for (let i = 0; i < 105; i++) {
      const inv = newInvoice(staff.id);
      getDb()
        .insert(paymentAttempts)
        .values({
          invoiceId: inv.id,
          userId: staff.id,
          idempotencyKey: newAttemptKey(),
          amount: 100,
          currency: 'usd',
          status: 'unknown',
          paymentMethodId: 'pm_gone',
          createdAt: old,
          needsAttentionAt: old,
        })
        .run();
    }
    const invoice = newInvoice(staff.id);
    await sandbox.control('faults', { mode: 'drop_after', count: 3, method: 'POST', path: '/v1/payment_intents' });
    await charge(staff.id, { invoiceId: String(invoice.id), paymentMethodId: await sandbox.paymentMethod('4242424242424242'), attemptKey: newAttemptKey() });
    await reconcileAttempts({ minAgeMs: 0 });
    expect(invoiceStatus(invoice.id)).toBe('paid');
  });

  it('a webhook that contradicts a settled attempt is flagged for a person, not applied', async () => {
    const staff = await createTestUser('staff');
    const invoice = newInvoice(staff.id);
    await charge(staff.id, { invoiceId: String(invoice.id), paymentMethodId: await sandbox.paymentMethod('4242424242424242'), attemptKey: newAttemptKey() });
    const attempt = attemptRows()[0]!;
    getDb().update(paymentAttempts).set({ status: 'failed' }).where(eq(paymentAttempts.id, attempt.id)).run();
    const [event] = (await sandbox.stripe.events.list({ type: 'payment_intent.succeeded' })).data;
    const payload = JSON.stringify(event);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    const response = await respond(() =>
      webhookAction({
        request: new Request('http://127.0.0.1:3000/webhooks/stripe', { method: 'POST', body: payload, headers: { 'Stripe-Signature': signature } }),
        params: {},
        context: {},
      }),
    );
    expect(response.status).toBe(200);
    expect(attemptRows()[0]).toMatchObject({ status: 'failed' });
    expect(attemptRows()[0]!.needsAttentionAt).not.toBeNull();
    expect(getDb().select().from(auditEvents).where(eq(auditEvents.action, 'charge.outcome_conflict')).all()).toHaveLength(1);
  });
});

describe('card-testing defence', () => {
  it(`locks an invoice after ${INVOICE_DECLINE_LIMIT} declines`, async () => {
    const staff = await createTestUser('staff');
    const invoice = newInvoice(staff.id);
    for (let i = 0; i < INVOICE_DECLINE_LIMIT; i++) {
      const response = await charge(staff.id, {
        invoiceId: String(invoice.id),
        paymentMethodId: await sandbox.paymentMethod('4000000000000002'),
        attemptKey: newAttemptKey(),
      });
      expect(response.status).toBe(302);
    }
    const locked = await charge(staff.id, {
      invoiceId: String(invoice.id),
      paymentMethodId: await sandbox.paymentMethod('4242424242424242'),
      attemptKey: newAttemptKey(),
    });
    expect(locked.status).toBe(409);
    expect((await locked.json()).error).toMatch(/locked for (29|30) more minutes/);
  });

  it(`pauses a person after ${STAFF_DECLINE_LIMIT} declines in 15 minutes until a manager resumes them`, async () => {
    const staff = await createTestUser('staff');
    for (let i = 0; i < STAFF_DECLINE_LIMIT; i++) {
      const invoice = newInvoice(staff.id);
      await charge(staff.id, { invoiceId: String(invoice.id), paymentMethodId: await sandbox.paymentMethod('4000000000000002'), attemptKey: newAttemptKey() });
    }
    expect(getDb().select({ paused: users.chargingPausedAt }).from(users).where(eq(users.id, staff.id)).get()?.paused).not.toBeNull();
    const invoice = newInvoice(staff.id);
    const refused = await charge(staff.id, {
      invoiceId: String(invoice.id),
      paymentMethodId: await sandbox.paymentMethod('4242424242424242'),
      attemptKey: newAttemptKey(),
    });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toMatch(/paused/);

    const manager = await createTestUser('manager');
    const { action: userAction } = await import('~/routes/settings.users.$id');
    const resume = await respond(async () =>
      userAction({
        request: await requestAs(manager.id, `/settings/users/${staff.id}`, { form: { intent: 'resume-charging' } }),
        params: { id: String(staff.id) },
        context: {},
      }),
    );
    expect(resume.status).toBe(302);
    const after = await charge(staff.id, {
      invoiceId: String(invoice.id),
      paymentMethodId: await sandbox.paymentMethod('4242424242424242'),
      attemptKey: newAttemptKey(),
    });
    expect((await outcomeAfter(staff.id, after)).status).toBe('succeeded');
  });
});
