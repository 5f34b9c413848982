// Manual capture through the official SDK: authorize, capture in full or in part, cancel, and the 7-day lapse.
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';

import { control, stripeError, useSandbox } from './helpers.ts';

const t = useSandbox({ resetEach: true });

const authorize = (amount = 10000) =>
  t.stripe.paymentIntents.create({
    amount,
    currency: 'usd',
    payment_method: 'pm_card_visa',
    capture_method: 'manual',
    confirm: true,
    expand: ['latest_charge'],
  });

const WEEK = 7 * 24 * 60 * 60;

describe('manual capture', () => {
  it('authorizes: requires_capture, amount_capturable, an uncaptured charge with capture_before', async () => {
    const pi = await authorize();
    expect(pi).toMatchObject({ status: 'requires_capture', capture_method: 'manual', amount_capturable: 10000, amount_received: 0 });
    const charge = pi.latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({ status: 'succeeded', paid: true, captured: false, amount_captured: 0, balance_transaction: null });
    expect(charge.payment_method_details?.card?.capture_before).toBe(charge.created + WEEK);
    const types = (await t.stripe.events.list()).data.map((e) => e.type).reverse();
    expect(types).toEqual(['payment_intent.created', 'charge.succeeded', 'payment_intent.amount_capturable_updated']);
  });

  it('captures in full', async () => {
    const pi = await authorize();
    const captured = await t.stripe.paymentIntents.capture(pi.id, { expand: ['latest_charge'] });
    expect(captured).toMatchObject({ status: 'succeeded', amount_capturable: 0, amount_received: 10000 });
    expect(captured.latest_charge).toMatchObject({ captured: true, amount_captured: 10000, amount_refunded: 0 });
    expect((await t.stripe.events.list({ type: 'charge.captured' })).data).toHaveLength(1);
    expect((await t.stripe.events.list({ type: 'payment_intent.succeeded' })).data).toHaveLength(1);
  });

  it('captures part with amount_to_capture; the rest is released', async () => {
    const pi = await authorize();
    const captured = await t.stripe.paymentIntents.capture(pi.id, { amount_to_capture: 7500, metadata: { shipped: 'partial' }, expand: ['latest_charge'] });
    expect(captured).toMatchObject({ status: 'succeeded', amount_received: 7500, metadata: { shipped: 'partial' } });
    expect(captured.latest_charge).toMatchObject({ amount: 10000, amount_captured: 7500, amount_refunded: 2500, refunded: false });
    // Refunds draw on what was captured.
    const over = await stripeError(t.stripe.refunds.create({ payment_intent: pi.id, amount: 8000 }));
    expect(over.raw.param).toBe('amount');
    expect((await t.stripe.refunds.create({ payment_intent: pi.id })).amount).toBe(7500);
  });

  it('refuses too much, and intents that are not waiting for capture', async () => {
    const pi = await authorize();
    const tooMuch = await stripeError(t.stripe.paymentIntents.capture(pi.id, { amount_to_capture: 10001 }));
    expect(tooMuch.raw).toMatchObject({ type: 'invalid_request_error', param: 'amount_to_capture' });
    const automatic = await t.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    const notWaiting = await stripeError(t.stripe.paymentIntents.capture(automatic.id));
    expect(notWaiting.raw).toMatchObject({ code: 'payment_intent_unexpected_state' });
    expect(notWaiting.message).toBe(
      'This PaymentIntent could not be captured because it has a status of succeeded. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.',
    );
    expect((await stripeError(t.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', capture_method: 'later' as never }))).raw.param).toBe(
      'capture_method',
    );
    expect((await stripeError(t.stripe.paymentIntents.confirm(pi.id))).raw.code).toBe('payment_intent_unexpected_state');
  });

  it('cancel releases the hold', async () => {
    const pi = await authorize();
    const canceled = await t.stripe.paymentIntents.cancel(pi.id, { cancellation_reason: 'requested_by_customer', expand: ['latest_charge'] });
    expect(canceled).toMatchObject({ status: 'canceled', amount_capturable: 0, cancellation_reason: 'requested_by_customer' });
    expect(canceled.latest_charge).toMatchObject({ captured: false, refunded: true, amount_refunded: 10000 });
    expect((await stripeError(t.stripe.paymentIntents.capture(pi.id))).raw.code).toBe('payment_intent_unexpected_state');
  });

  it('an authorization lapses after 7 days: canceled (automatic), charge.expired', async () => {
    const pi = await authorize();
    const lapsed = (await control(t.sandbox, 'authorizations/expire', { payment_intent: pi.id })) as Stripe.PaymentIntent;
    expect(lapsed).toMatchObject({ status: 'canceled', cancellation_reason: 'automatic', amount_capturable: 0 });
    expect(await t.stripe.charges.retrieve((pi.latest_charge as Stripe.Charge).id)).toMatchObject({ captured: false, refunded: true });
    expect((await t.stripe.events.list({ type: 'charge.expired' })).data).toHaveLength(1);
    expect((await stripeError(t.stripe.paymentIntents.capture(pi.id))).raw.code).toBe('payment_intent_unexpected_state');
    const captured = await t.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    const res = await fetch(`${t.sandbox.url}/__sandbox/authorizations/expire`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ payment_intent: captured.id }),
    });
    expect(res.status).toBe(409);
  });

  it('a 3D Secure card authorizes after the challenge', async () => {
    const pi = await t.stripe.paymentIntents.create({
      amount: 3000,
      currency: 'eur',
      payment_method: 'pm_card_authenticationRequired',
      capture_method: 'manual',
      confirm: true,
    });
    expect(pi.status).toBe('requires_action');
    const done = (await control(t.sandbox, `authenticate/${pi.id}`, { outcome: 'succeed' })) as Stripe.PaymentIntent;
    expect(done).toMatchObject({ status: 'requires_capture', amount_capturable: 3000 });
  });
});
