// 3D Secure and MOTO through the official SDK: every authentication test card on and off session, the
// challenge's Complete and Fail, the events, and the MOTO account capability.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';

import { control, nextYear, rawApi, sleep, startTestSandbox, stripeError, stripeFor, useSandbox } from './helpers.ts';

const t = useSandbox({ resetEach: true });

function card(number: string) {
  return t.stripe.paymentMethods.create({
    type: 'card',
    card: { number, exp_month: 12, exp_year: nextYear(), cvc: '123' },
    billing_details: { address: { postal_code: '10001' } },
  });
}

/** On-session, no error_on_requires_action: the standard integration that can authenticate. */
async function startPayment(number: string, extra: Partial<Stripe.PaymentIntentCreateParams> = {}) {
  const pm = await card(number);
  return t.stripe.paymentIntents.create({ amount: 2000, currency: 'eur', payment_method: pm.id, confirm: true, ...extra });
}

/** What the customer's browser does on the test page: post the form the page shows. */
async function answerChallenge(pi: Stripe.PaymentIntent, outcome: 'succeed' | 'fail', hostOrigin = '') {
  const url = (pi.next_action?.use_stripe_sdk as { stripe_js: string } | undefined)?.stripe_js ?? pi.next_action!.redirect_to_url!.url!;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ outcome, host_origin: hostOrigin }).toString(),
    redirect: 'manual',
  });
  return { res, html: await res.text(), intent: await t.stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] }) };
}

async function eventTypes(pi: string): Promise<string[]> {
  const events = await t.stripe.events.list({ limit: 100 });
  return events.data
    .filter((e) => {
      const o = e.data.object as { id?: string; payment_intent?: string };
      return o.id === pi || o.payment_intent === pi;
    })
    .map((e) => e.type)
    .reverse();
}

const AUTH_CARDS = [
  '4000002500003155',
  '4000002760003184',
  '4000003800000446',
  '4000008260003178',
  '4000000000003220',
  '4000008400000027',
  '4000008400001629',
  '4000008400001280',
  '4000000032200000',
  '4000000000003063',
];

describe('on-session payments wait for the customer', () => {
  it.each(AUTH_CARDS)('%s: requires_action with use_stripe_sdk, no charge yet, payment_intent.requires_action', async (number) => {
    const pi = await startPayment(number);
    expect(pi.status).toBe('requires_action');
    expect(pi.latest_charge).toBeNull();
    expect(pi.last_payment_error).toBeNull();
    expect(pi.next_action?.type).toBe('use_stripe_sdk');
    const sdk = pi.next_action?.use_stripe_sdk as { type: string; stripe_js: string; source: string };
    expect(sdk.type).toBe('three_d_secure_redirect');
    expect(sdk.source).toMatch(/^src_/);
    expect(sdk.stripe_js.startsWith(`${t.sandbox.url}/redirect/authenticate/${sdk.source}?client_secret=src_client_secret_`)).toBe(true);
    expect(await eventTypes(pi.id)).toEqual(['payment_intent.created', 'payment_intent.requires_action']);
    expect((await t.stripe.charges.list({ payment_intent: pi.id })).data).toHaveLength(0);
  });
});

describe('Complete: the outcome each card documents', () => {
  it.each(['4000002500003155', '4000002760003184', '4000003800000446', '4000000000003220', '4000008400000027', '4000000000003063'])(
    '%s succeeds after authentication',
    async (number) => {
      const pi = await startPayment(number);
      const { intent } = await answerChallenge(pi, 'succeed');
      expect(intent.status).toBe('succeeded');
      expect(intent.amount_received).toBe(2000);
      expect(intent.next_action).toBeNull();
      const charge = intent.latest_charge as Stripe.Charge;
      expect(charge.status).toBe('succeeded');
      expect(charge.payment_method_details?.card?.three_d_secure).toMatchObject({
        authentication_flow: 'challenge',
        electronic_commerce_indicator: '05',
        result: 'authenticated',
        result_reason: null,
        version: '2.2.0',
      });
      expect(charge.payment_method_details?.card?.three_d_secure?.transaction_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await eventTypes(pi.id)).toEqual(['payment_intent.created', 'payment_intent.requires_action', 'charge.succeeded', 'payment_intent.succeeded']);
    },
  );

  it.each([
    ['4000008260003178', 'card_declined', 'insufficient_funds', 'Your card has insufficient funds.'],
    ['4000008400001629', 'card_declined', 'generic_decline', 'Your card was declined.'],
  ])('%s is authenticated, then the issuer declines (%s / %s)', async (number, code, declineCode, message) => {
    const pi = await startPayment(number);
    const { intent } = await answerChallenge(pi, 'succeed');
    expect(intent.status).toBe('requires_payment_method');
    expect(intent.payment_method).toBeNull();
    expect(intent.last_payment_error).toMatchObject({ type: 'card_error', code, decline_code: declineCode, message });
    const charge = intent.latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({ status: 'failed', failure_code: code });
    expect(charge.payment_method_details?.card?.three_d_secure?.result).toBe('authenticated');
    expect(await eventTypes(pi.id)).toEqual(['payment_intent.created', 'payment_intent.requires_action', 'charge.failed', 'payment_intent.payment_failed']);
  });

  it('4000008400001280: the 3DS lookup fails, no challenge is shown, and the payment is declined', async () => {
    const pi = await startPayment('4000008400001280');
    const page = await (await fetch((pi.next_action!.use_stripe_sdk as { stripe_js: string }).stripe_js)).text();
    expect(page).toContain('Contacting the card issuer');
    expect(page).not.toContain('>Fail</button>');
    const { intent } = await answerChallenge(pi, 'succeed');
    expect(intent.status).toBe('requires_payment_method');
    expect(intent.last_payment_error).toMatchObject({ type: 'card_error', code: 'card_declined', decline_code: 'generic_decline' });
    const charge = intent.latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({ status: 'failed', failure_code: 'card_declined' });
    expect(charge.payment_method_details?.card?.three_d_secure).toMatchObject({ result: 'processing_error', result_reason: 'protocol_error' });
  });

  it('4000000032200000: authenticated without a challenge (frictionless)', async () => {
    const pi = await startPayment('4000000032200000');
    const page = await (await fetch((pi.next_action!.use_stripe_sdk as { stripe_js: string }).stripe_js)).text();
    expect(page).not.toContain('>Complete</button>');
    const { intent } = await answerChallenge(pi, 'succeed');
    expect(intent.status).toBe('succeeded');
    expect((intent.latest_charge as Stripe.Charge).payment_method_details?.card?.three_d_secure?.authentication_flow).toBe('frictionless');
  });
});

describe('Fail', () => {
  it('returns the intent to requires_payment_method with payment_intent_authentication_failure and no charge', async () => {
    const pi = await startPayment('4000002760003184');
    const { intent } = await answerChallenge(pi, 'fail');
    expect(intent.status).toBe('requires_payment_method');
    expect(intent.payment_method).toBeNull();
    expect(intent.latest_charge).toBeNull();
    expect(intent.last_payment_error).toMatchObject({
      type: 'invalid_request_error',
      code: 'payment_intent_authentication_failure',
      doc_url: 'https://docs.stripe.com/error-codes/payment-intent-authentication-failure',
      message:
        'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.',
    });
    expect((intent.last_payment_error?.payment_method as Stripe.PaymentMethod).card?.last4).toBe('3184');
    expect(await eventTypes(pi.id)).toEqual(['payment_intent.created', 'payment_intent.requires_action', 'payment_intent.payment_failed']);
    // The customer may try again with another card.
    const retried = await t.stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' });
    expect(retried.status).toBe('succeeded');
  });
});

describe('the challenge link', () => {
  it('needs its secret, and is spent once the intent moves on (re-confirmed or canceled)', async () => {
    const pi = await startPayment('4000002500003155');
    const url = (pi.next_action!.use_stripe_sdk as { stripe_js: string }).stripe_js;
    expect((await fetch(url.replace(/client_secret=[^&]+/, 'client_secret=src_client_secret_wrong'))).status).toBe(404);
    const again = await t.stripe.paymentIntents.confirm(pi.id, {});
    expect(again.status).toBe('requires_action');
    expect((again.next_action!.use_stripe_sdk as { stripe_js: string }).stripe_js).not.toBe(url);
    const stale = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'outcome=succeed' });
    expect(await stale.text()).toContain('no longer pending');
    expect((await t.stripe.paymentIntents.retrieve(pi.id)).status).toBe('requires_action');
    await t.stripe.paymentIntents.cancel(pi.id);
    const canceled = await answerChallenge(again, 'succeed');
    expect(canceled.html).toContain('no longer pending');
    expect(canceled.intent.status).toBe('canceled');
  });

  it('inside a frame, tells only the host origin it was given that it is done', async () => {
    const pi = await startPayment('4000002760003184');
    const { html } = await answerChallenge(pi, 'succeed', 'http://127.0.0.1:4321');
    expect(html).toContain('window.parent.postMessage({"__keyedSandbox3ds":true,"type":"complete"');
    expect(html).toContain('"http://127.0.0.1:4321"');
    const other = await startPayment('4000002760003184');
    const injected = await answerChallenge(other, 'succeed', '"><script>alert(1)</script>');
    expect(injected.html).not.toContain('postMessage');
    expect(injected.html).not.toContain('<script>alert(1)');
  });

  it('after a redirect_to_url, sends the customer back with redirect_status', async () => {
    const pi = await startPayment('4000000000003220', { return_url: 'https://shop.example/return?order=7' });
    expect(pi.next_action?.type).toBe('redirect_to_url');
    const { res, intent } = await answerChallenge(pi, 'succeed');
    expect(res.status).toBe(303);
    const back = new URL(res.headers.get('location')!);
    expect(back.origin + back.pathname).toBe('https://shop.example/return');
    expect(Object.fromEntries(back.searchParams)).toEqual({
      order: '7',
      payment_intent: pi.id,
      payment_intent_client_secret: pi.client_secret,
      redirect_status: 'succeeded',
    });
    expect(intent.status).toBe('succeeded');
  });
});

describe('the publishable key (Stripe.js)', () => {
  it('confirms by client secret into requires_action and reads the outcome after the challenge', async () => {
    const created = await t.stripe.paymentIntents.create({ amount: 1500, currency: 'usd' });
    const pm = await card('4000000000003220');
    const confirm = await rawApi(
      t.sandbox,
      'POST',
      `/v1/payment_intents/${created.id}/confirm`,
      { client_secret: created.client_secret!, payment_method: pm.id },
      { Authorization: 'Bearer pk_test_browser' },
    );
    expect(confirm.status).toBe(200);
    expect(confirm.json.status).toBe('requires_action');
    await answerChallenge(confirm.json as unknown as Stripe.PaymentIntent, 'succeed');
    const read = await rawApi(
      t.sandbox,
      'GET',
      `/v1/payment_intents/${created.id}`,
      { client_secret: created.client_secret! },
      { Authorization: 'Bearer pk_test_browser' },
    );
    expect(read.json.status).toBe('succeeded');
    const wrong = await rawApi(t.sandbox, 'GET', `/v1/payment_intents/${created.id}`, { client_secret: 'nope' }, { Authorization: 'Bearer pk_test_browser' });
    expect(wrong.status).toBe(404);
  });
});

describe('error_on_requires_action keeps failing as before', () => {
  it.each(AUTH_CARDS)('%s: 402 authentication_required / authentication_not_handled, no challenge, no charge', async (number) => {
    const pm = await card(number);
    const err = await stripeError(
      t.stripe.paymentIntents.create({ amount: 1099, currency: 'usd', payment_method: pm.id, confirm: true, error_on_requires_action: true }),
    );
    expect(err.statusCode).toBe(402);
    expect(err.raw).toMatchObject({ type: 'card_error', code: 'authentication_required', decline_code: 'authentication_not_handled' });
    expect(err.raw.payment_intent).toMatchObject({ status: 'requires_payment_method', payment_method: null, next_action: null, latest_charge: null });
    expect(await eventTypes(err.raw.payment_intent.id)).toEqual(['payment_intent.created', 'payment_intent.payment_failed']);
  });
});

describe('off-session payments', () => {
  const offSession = (pm: string, customer?: string) =>
    t.stripe.paymentIntents.create({ amount: 3000, currency: 'eur', payment_method: pm, confirm: true, off_session: true, ...(customer ? { customer } : {}) });

  /** On-session with a Customer and setup_future_usage=off_session, authenticated: the card is saved and set up. */
  async function setUp(number: string): Promise<{ pm: string; customer: string }> {
    const customer = (await t.stripe.customers.create({ email: 'saved@example.com' })).id;
    const pi = await startPayment(number, { setup_future_usage: 'off_session', customer });
    expect(pi.setup_future_usage).toBe('off_session');
    const pm = pi.payment_method as string;
    await answerChallenge(pi, 'succeed');
    expect((await t.stripe.paymentMethods.retrieve(pm)).customer).toBe(customer);
    return { pm, customer };
  }

  it.each(AUTH_CARDS.filter((n) => n !== '4000003800000446'))('%s, not set up: soft-declined with authentication_required', async (number) => {
    const err = await stripeError(offSession((await card(number)).id));
    expect(err.raw).toMatchObject({
      type: 'card_error',
      code: 'authentication_required',
      decline_code: 'authentication_required',
      message: 'Your card was declined. This transaction requires authentication.',
    });
    expect((await t.stripe.charges.retrieve(err.raw.charge)).failure_code).toBe('authentication_required');
  });

  it('4000003800000446 is already set up: off-session succeeds without authentication', async () => {
    const pi = await offSession((await card('4000003800000446')).id);
    expect(pi.status).toBe('succeeded');
    expect(await offSession('pm_card_authenticationRequiredSetupForOffSession')).toMatchObject({ status: 'succeeded' });
  });

  it('4000002500003155, once set up, goes through off-session (but on-session still authenticates)', async () => {
    const { pm, customer } = await setUp('4000002500003155');
    expect((await offSession(pm, customer)).status).toBe('succeeded');
    const onSession = await t.stripe.paymentIntents.create({ amount: 100, currency: 'eur', payment_method: pm, customer, confirm: true });
    expect(onSession.status).toBe('requires_action');
  });

  it('4000002760003184 still needs authentication off-session, set up or not', async () => {
    const { pm, customer } = await setUp('4000002760003184');
    expect((await stripeError(offSession(pm, customer))).raw.code).toBe('authentication_required');
  });

  it('4000008260003178: its declined payment does not set it up, so off-session it still needs authentication', async () => {
    const first = await startPayment('4000008260003178', { setup_future_usage: 'off_session' });
    const { intent } = await answerChallenge(first, 'succeed');
    const pm = (intent.last_payment_error?.payment_method as Stripe.PaymentMethod).id;
    expect((await stripeError(offSession(pm))).raw.code).toBe('authentication_required');
  });

  it('a card spent on a payment without a Customer cannot pay again, as on Stripe', async () => {
    const pm = (await card('4000003800000446')).id;
    expect((await offSession(pm)).status).toBe('succeeded');
    const err = await stripeError(offSession(pm));
    expect(err.raw).toMatchObject({ type: 'invalid_request_error', param: 'payment_method' });
    expect(err.message).toMatch(/^The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment/);
  });
});

describe('MOTO (mail-order/telephone-order)', () => {
  const moto = (pm: string, extra: Partial<Stripe.PaymentIntentCreateParams> = {}) =>
    t.stripe.paymentIntents.create({
      amount: 4500,
      currency: 'usd',
      payment_method: pm,
      confirm: true,
      error_on_requires_action: true,
      payment_method_options: { card: { moto: true } },
      expand: ['latest_charge'],
      ...extra,
    });

  it('is refused as an unknown parameter until Stripe enables it for the account; nothing is created', async () => {
    const err = await stripeError(moto('pm_card_authenticationRequiredOnSetup'));
    expect(err.statusCode).toBe(400);
    expect(err.type).toBe('StripeInvalidRequestError');
    expect(err.raw).toMatchObject({
      type: 'invalid_request_error',
      code: 'parameter_unknown',
      param: 'payment_method_options[card][moto]',
      message: 'Received unknown parameter: payment_method_options[card][moto]',
      doc_url: 'https://docs.stripe.com/error-codes/parameter-unknown',
    });
    expect((await t.stripe.paymentIntents.list()).data).toHaveLength(0);
    expect((await t.stripe.charges.list()).data).toHaveLength(0);
  });

  it('once enabled, authentication-required cards succeed, marked moto, without 3D Secure', async () => {
    expect(await control(t.sandbox, 'capabilities', { moto: true })).toEqual({ moto: true });
    for (const pm of ['pm_card_authenticationRequiredOnSetup', 'pm_card_authenticationRequired', 'pm_card_threeDSecure2Required']) {
      const pi = await moto(pm);
      expect(pi.status).toBe('succeeded');
      const charge = pi.latest_charge as Stripe.Charge;
      expect(charge.payment_method_details?.card?.moto).toBe(true);
      expect(charge.payment_method_details?.card?.three_d_secure).toBeNull();
    }
    // The exemption is from authentication, not from the issuer's decision.
    const declined = await stripeError(moto('pm_card_authenticationRequiredChargeDeclinedInsufficientFunds'));
    expect(declined.raw).toMatchObject({ code: 'card_declined', decline_code: 'insufficient_funds' });
    // Without the flag, the same card still fails as the terminal's integration expects.
    const plain = await stripeError(moto('pm_card_authenticationRequired', { payment_method_options: {} }));
    expect(plain.raw.decline_code).toBe('authentication_not_handled');
    // A card without authentication is simply marked.
    expect(((await moto('pm_card_visa')).latest_charge as Stripe.Charge).payment_method_details?.card?.moto).toBe(true);
  });

  it('rejects moto with setup_future_usage=on_session, and bad capability bodies', async () => {
    await control(t.sandbox, 'capabilities', { moto: true });
    const err = await stripeError(moto('pm_card_visa', { setup_future_usage: 'on_session' }));
    expect(err.raw).toMatchObject({ param: 'payment_method_options[card][moto]', type: 'invalid_request_error' });
    for (const body of [{ moto: 'yes' }, { wire_transfers: true }]) {
      const res = await fetch(`${t.sandbox.url}/__sandbox/capabilities`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(400);
    }
  });

  it('a reset restores the capabilities the sandbox started with; startSandbox({ capabilities }) is the CLI flag', async () => {
    await control(t.sandbox, 'capabilities', { moto: true });
    await control(t.sandbox, 'reset');
    expect(await control(t.sandbox, 'capabilities', undefined, 'GET')).toEqual({ moto: false });
    const enabled = await startTestSandbox({ capabilities: { moto: true } });
    try {
      const pi = await stripeFor(enabled).paymentIntents.create({
        amount: 4500,
        currency: 'usd',
        payment_method: 'pm_card_authenticationRequired',
        confirm: true,
        error_on_requires_action: true,
        payment_method_options: { card: { moto: true } },
      });
      expect(pi.status).toBe('succeeded');
    } finally {
      await enabled.close();
    }
  });
});

describe('webhooks for a challenge', () => {
  it('are signed and sent in order: created, requires_action, then charge and intent outcome', async () => {
    const bodies: string[] = [];
    const signatures: string[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        signatures.push(String(req.headers['stripe-signature']));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const secret = 'whsec_authentication_test';
    const sandbox = await startTestSandbox({ webhookEndpoints: [{ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, secret }] });
    try {
      const stripe = stripeFor(sandbox);
      const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur', payment_method: 'pm_card_authenticationRequired', confirm: true });
      await control(sandbox, `authenticate/${pi.id}`, { outcome: 'succeed' });
      const failing = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur', payment_method: 'pm_card_threeDSecure2Required', confirm: true });
      await control(sandbox, `authenticate/${failing.id}`, { outcome: 'fail' });
      const until = Date.now() + 3000;
      while (bodies.length < 7 && Date.now() < until) await sleep(20);
      const events = bodies.map((b, i) => Stripe.webhooks.constructEvent(b, signatures[i], secret));
      expect(events.map((e) => e.type)).toEqual([
        'payment_intent.created',
        'payment_intent.requires_action',
        'charge.succeeded',
        'payment_intent.succeeded',
        'payment_intent.created',
        'payment_intent.requires_action',
        'payment_intent.payment_failed',
      ]);
      const failed = events[6] as Stripe.PaymentIntentPaymentFailedEvent;
      expect(failed.data.object.last_payment_error?.code).toBe('payment_intent_authentication_failure');
    } finally {
      await sandbox.close();
      server.close();
    }
  });
});
