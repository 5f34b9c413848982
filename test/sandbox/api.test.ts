// The API's shape and rules through the official SDK: keys, intents, lists, expand, events.
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';

import { control, rawApi, stripeError, stripeFor, useSandbox } from './helpers.ts';

const t = useSandbox();

describe('API keys', () => {
  it('answers 401 without a key, with a live key, or with nonsense', async () => {
    const none = await rawApi(t.sandbox, 'GET', '/v1/payment_intents', {}, { Authorization: '' });
    expect(none.status).toBe(401);
    expect(none.json.error.type).toBe('invalid_request_error');
    expect(none.json.error.message).toMatch(/^You did not provide an API key/);
    for (const key of ['sk_live_abcdefghijklmnop1234', 'not-a-key']) {
      const err = await stripeError(stripeFor(t.sandbox, { key }).paymentIntents.list());
      expect(err.type).toBe('StripeAuthenticationError');
      expect(err.statusCode).toBe(401);
      expect(err.message).toMatch(/^Invalid API Key provided/);
      expect(err.message).not.toContain('abcdefghijklmnop');
    }
  });

  it('accepts a publishable key only where Stripe.js needs it', async () => {
    const pk = stripeFor(t.sandbox, { key: 'pk_test_abc' });
    const pm = await pk.paymentMethods.create({ type: 'card', card: { number: '4242424242424242', exp_month: 1, exp_year: 2040 } });
    expect(pm.id).toMatch(/^pm_/);
    const err = await stripeError(pk.paymentIntents.create({ amount: 1000, currency: 'usd' }));
    expect(err.type).toBe('StripePermissionError');
    expect(err.statusCode).toBe(403);
    expect(err.message).toMatch(/publishable API key/);
  });

  it('sets Request-Id and Stripe-Version on every response', async () => {
    const ok = await rawApi(t.sandbox, 'GET', '/v1/charges');
    expect(ok.headers.get('request-id')).toMatch(/^req_/);
    expect(ok.headers.get('stripe-version')).toBe('2026-10-28.endive');
    const missing = await rawApi(t.sandbox, 'GET', '/v1/charges/ch_missing');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('request-id')).toMatch(/^req_/);
    expect(missing.json.error).toMatchObject({ type: 'invalid_request_error', code: 'resource_missing', message: "No such charge: 'ch_missing'" });
  });

  it('rejects unknown parameters and unknown URLs like Stripe', async () => {
    const err = await stripeError(t.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', colour: 'blue' } as never));
    expect(err.raw).toMatchObject({ code: 'parameter_unknown', param: 'colour' });
    const url = await rawApi(t.sandbox, 'GET', '/v1/subscriptions');
    expect(url.status).toBe(404);
    expect(url.json.error.message).toMatch(/^Unrecognized request URL \(GET: \/v1\/subscriptions\)/);
  });
});

describe('PaymentIntents', () => {
  it('create, then confirm, with metadata, description, receipt_email and expand', async () => {
    const created = await t.stripe.paymentIntents.create({
      amount: 2500,
      currency: 'cad',
      description: 'Invoice INV-1',
      receipt_email: 'buyer@example.com',
      metadata: { invoice_id: '42' },
      allowed_payment_method_types: ['card'],
    });
    expect(created).toMatchObject({ status: 'requires_payment_method', amount: 2500, currency: 'cad', latest_charge: null, livemode: false });
    expect(created.allowed_payment_method_types).toEqual(['card']);
    expect(created.client_secret).toMatch(new RegExp(`^${created.id}_secret_`));
    expect('charges' in created).toBe(false);
    const confirmed = await t.stripe.paymentIntents.confirm(created.id, {
      payment_method: 'pm_card_ca',
      error_on_requires_action: true,
      expand: ['latest_charge', 'payment_method'],
    });
    expect(confirmed.status).toBe('succeeded');
    const ch = confirmed.latest_charge as Stripe.Charge;
    expect(ch).toMatchObject({
      object: 'charge',
      amount: 2500,
      currency: 'cad',
      description: 'Invoice INV-1',
      receipt_email: 'buyer@example.com',
      metadata: { invoice_id: '42' },
    });
    expect(ch.payment_method_details?.card?.country).toBe('CA');
    expect((confirmed.payment_method as Stripe.PaymentMethod).card?.last4).toBe('0000');
    const again = await stripeError(t.stripe.paymentIntents.confirm(created.id));
    expect(again.raw.code).toBe('payment_intent_unexpected_state');
  });

  it('validates amount and currency', async () => {
    expect((await stripeError(t.stripe.paymentIntents.create({ amount: 10, currency: 'usd' }))).raw).toMatchObject({
      code: 'amount_too_small',
      message: 'Amount must be at least $0.50 usd',
    });
    expect((await stripeError(t.stripe.paymentIntents.create({ currency: 'usd' } as never))).raw).toMatchObject({
      code: 'parameter_missing',
      param: 'amount',
    });
  });

  it('cancels, and refuses to cancel a succeeded intent', async () => {
    const pi = await t.stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    const canceled = await t.stripe.paymentIntents.cancel(pi.id, { cancellation_reason: 'abandoned' });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
    expect(canceled.canceled_at).toBeGreaterThan(0);
    const paid = await t.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    const err = await stripeError(t.stripe.paymentIntents.cancel(paid.id));
    expect(err.raw.code).toBe('payment_intent_unexpected_state');
  });

  it('lists charges for an intent, and events for what happened', async () => {
    const pi = await t.stripe.paymentIntents.create({ amount: 1500, currency: 'usd', payment_method: 'pm_card_mastercard', confirm: true });
    const charges = await t.stripe.charges.list({ payment_intent: pi.id });
    expect(charges.data.map((c) => c.id)).toEqual([pi.latest_charge]);
    const events = await t.stripe.events.list({ limit: 100 });
    const mine = events.data.filter((e) => {
      const o = e.data.object as { id: string; payment_intent?: string };
      return o.id === pi.id || o.payment_intent === pi.id;
    });
    expect(mine.map((e) => e.type).reverse()).toEqual(['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']);
    const one = await t.stripe.events.retrieve(mine[0].id);
    expect(one).toMatchObject({ object: 'event', api_version: '2026-10-28.endive', livemode: false });
    expect(one.request?.id).toMatch(/^req_/);
  });
});

describe('lists', () => {
  it('limit + starting_after walks every intent once, newest first; ending_before walks back', async () => {
    await control(t.sandbox, 'reset');
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) ids.push((await t.stripe.paymentIntents.create({ amount: 100 + i, currency: 'usd' })).id);
    const newestFirst = [...ids].reverse();

    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await t.stripe.paymentIntents.list({ limit: 5, ...(cursor ? { starting_after: cursor } : {}) });
      seen.push(...page.data.map((p) => p.id));
      if (!page.has_more) break;
      cursor = page.data[page.data.length - 1].id;
    }
    expect(seen).toEqual(newestFirst);

    const back: string[] = [];
    let before: string | undefined = newestFirst[newestFirst.length - 1];
    for (;;) {
      const page: Stripe.ApiList<Stripe.PaymentIntent> = await t.stripe.paymentIntents.list({ limit: 4, ending_before: before });
      back.unshift(...page.data.map((p) => p.id));
      if (!page.has_more) break;
      before = page.data[0].id;
    }
    expect(back).toEqual(newestFirst.slice(0, -1));

    const all = await t.stripe.paymentIntents.list({ limit: 3 }).autoPagingToArray({ limit: 100 });
    expect(all.map((p) => p.id)).toEqual(newestFirst);
  });

  it('filters by created[gte|gt|lte|lt]', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await t.stripe.paymentIntents.list({ created: { gte: now - 60 }, limit: 100 })).data.length).toBeGreaterThan(0);
    expect((await t.stripe.paymentIntents.list({ created: { gt: now + 60 } })).data).toEqual([]);
    expect((await t.stripe.paymentIntents.list({ created: { lt: now - 60 } })).data).toEqual([]);
    expect((await t.stripe.paymentIntents.list({ created: { lte: now + 60 }, limit: 100 })).data.length).toBeGreaterThan(0);
  });

  it('rejects a cursor that does not exist', async () => {
    const err = await stripeError(t.stripe.paymentIntents.list({ starting_after: 'pi_missing' }));
    expect(err.raw).toMatchObject({ code: 'resource_missing', param: 'starting_after' });
  });
});

describe('refunds', () => {
  it('partial, then the rest, then nothing left', async () => {
    const pi = await t.stripe.paymentIntents.create({ amount: 5000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    const partial = await t.stripe.refunds.create({ payment_intent: pi.id, amount: 1200, reason: 'requested_by_customer' });
    expect(partial).toMatchObject({
      object: 'refund',
      amount: 1200,
      status: 'succeeded',
      payment_intent: pi.id,
      charge: pi.latest_charge,
      reason: 'requested_by_customer',
    });
    let ch = await t.stripe.charges.retrieve(pi.latest_charge as string);
    expect(ch).toMatchObject({ amount_refunded: 1200, refunded: false });

    const tooMuch = await stripeError(t.stripe.refunds.create({ charge: ch.id, amount: 3801 }));
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.raw).toMatchObject({
      type: 'invalid_request_error',
      param: 'amount',
      message: 'Refund amount ($38.01) is greater than unrefunded amount on charge ($38.00)',
    });

    const rest = await t.stripe.refunds.create({ charge: ch.id });
    expect(rest.amount).toBe(3800);
    ch = await t.stripe.charges.retrieve(ch.id, { expand: ['refunds'] });
    expect(ch).toMatchObject({ amount_refunded: 5000, refunded: true });
    expect(ch.refunds?.data.map((r) => r.id).sort()).toEqual([partial.id, rest.id].sort());

    const none = await stripeError(t.stripe.refunds.create({ payment_intent: pi.id }));
    expect(none.raw.code).toBe('charge_already_refunded');

    expect((await t.stripe.refunds.retrieve(partial.id)).amount).toBe(1200);
    const listed = await t.stripe.refunds.list({ payment_intent: pi.id });
    expect(listed.data.map((r) => r.id)).toEqual([rest.id, partial.id]);
    const types = (await t.stripe.events.list({ limit: 10 })).data.map((e) => e.type);
    expect(types.slice(0, 2)).toEqual(['charge.refunded', 'refund.created']);
  });

  it('refuses to refund an intent without a successful charge', async () => {
    const pi = await t.stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    const err = await stripeError(t.stripe.refunds.create({ payment_intent: pi.id }));
    expect(err.statusCode).toBe(400);
  });
});

describe('3D Secure challenge (sandbox control page)', () => {
  it('completing authentication charges the card; failing it asks for a new payment method', async () => {
    const waiting = await t.stripe.paymentIntents.create({ amount: 900, currency: 'usd', payment_method: 'pm_card_authenticationRequired', confirm: true });
    // The control path sends a browser to the intent's test page, which offers Complete and Fail like Stripe's.
    const page = await fetch(`${t.sandbox.url}/__sandbox/authenticate/${waiting.id}`);
    expect(page.url).toBe(waiting.next_action?.use_stripe_sdk?.stripe_js);
    const html = await page.text();
    expect(html).toMatch(/<button[^>]*value="succeed">Complete<\/button>/);
    expect(html).toMatch(/<button[^>]*value="fail">Fail<\/button>/);
    const done = (await control(t.sandbox, `authenticate/${waiting.id}`, { outcome: 'succeed' })) as Stripe.PaymentIntent;
    expect(done.status).toBe('succeeded');
    expect(typeof done.latest_charge).toBe('string');

    const second = await t.stripe.paymentIntents.create({ amount: 900, currency: 'usd', payment_method: 'pm_card_threeDSecure2Required', confirm: true });
    const failed = (await control(t.sandbox, `authenticate/${second.id}`, { outcome: 'fail' })) as Stripe.PaymentIntent;
    expect(failed.status).toBe('requires_payment_method');
    expect(failed.last_payment_error?.code).toBe('payment_intent_authentication_failure');

    // 4000008260003178: authentication succeeds, then the issuer declines for insufficient funds.
    const third = await t.stripe.paymentIntents.create({
      amount: 900,
      currency: 'gbp',
      payment_method: 'pm_card_authenticationRequiredChargeDeclinedInsufficientFunds',
      confirm: true,
      return_url: 'http://127.0.0.1:1/back',
    });
    // The customer's browser posts the test page's form, then is sent back to the return URL.
    const redirect = await fetch(third.next_action!.redirect_to_url!.url!, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'outcome=succeed',
      redirect: 'manual',
    });
    expect(redirect.status).toBe(303);
    expect(redirect.headers.get('location')).toContain(`payment_intent=${third.id}`);
    expect(redirect.headers.get('location')).toContain('redirect_status=failed');
    const declined = await t.stripe.paymentIntents.retrieve(third.id);
    expect(declined.status).toBe('requires_payment_method');
    expect(declined.last_payment_error?.decline_code).toBe('insufficient_funds');
  });
});
