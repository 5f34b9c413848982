// The API version the sandbox speaks, and what a publishable key may read.
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';

import { rawApi, stripeError, useSandbox } from './helpers.ts';

const t = useSandbox({ resetEach: true });
const PINNED = '2026-10-28.endive';

describe('API versions', () => {
  it('speaks the version stripe 23.1.0 pins, and says so on every answer', async () => {
    const plain = await rawApi(t.sandbox, 'GET', '/v1/payment_intents');
    expect(plain.headers.get('stripe-version')).toBe(PINNED);
    const pinned = await rawApi(t.sandbox, 'GET', '/v1/payment_intents', {}, { 'Stripe-Version': PINNED });
    expect(pinned.status).toBe(200);
    expect(pinned.headers.get('stripe-version')).toBe(PINNED);
    expect(new Stripe('sk_test_x').getApiField('version')).toBe(PINNED);
  });

  it.each(['2020-08-27', '2025-04-30.basil', '1999-01-01', '2026-10-28', 'banana'])(
    'refuses %s as Stripe refuses an invalid version, without claiming it',
    async (version) => {
      const res = await rawApi(t.sandbox, 'POST', '/v1/payment_intents', { amount: '1000', currency: 'usd' }, { 'Stripe-Version': version });
      expect(res.status).toBe(400);
      expect(res.json.error).toEqual({
        type: 'invalid_request_error',
        message: `Invalid Stripe API version: ${version}. The Keyed sandbox answers only in ${PINNED}, the version stripe 23.1.0 pins.`,
      });
      expect(res.headers.get('stripe-version')).toBe(PINNED);
      expect((await t.stripe.paymentIntents.list()).data).toHaveLength(0);
    },
  );

  it('the SDK with another apiVersion gets a StripeInvalidRequestError', async () => {
    const old = new Stripe('sk_test_x', { host: '127.0.0.1', port: t.sandbox.port, protocol: 'http', apiVersion: '2020-08-27' as never });
    const err = await stripeError(old.paymentIntents.list());
    expect(err.type).toBe('StripeInvalidRequestError');
    expect(err.message).toMatch(/^Invalid Stripe API version: 2020-08-27\./);
  });

  it('webhook endpoints and events are in the pinned version only', async () => {
    const err = await stripeError(
      t.stripe.webhookEndpoints.create({ url: 'https://example.com/hook', enabled_events: ['*'], api_version: '2020-08-27' as never }),
    );
    expect(err.raw).toMatchObject({ type: 'invalid_request_error', param: 'api_version' });
    const ok = await t.stripe.webhookEndpoints.create({ url: 'https://example.com/hook', enabled_events: ['*'], api_version: PINNED as never });
    expect(ok.api_version).toBe(PINNED);
    await t.stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    expect((await t.stripe.events.list()).data.every((e) => e.api_version === PINNED)).toBe(true);
  });
});

describe('publishable-key reads of a PaymentIntent', () => {
  const browser = { Authorization: 'Bearer pk_test_browser' };
  const SUBSET = [
    'amount',
    'automatic_payment_methods',
    'canceled_at',
    'cancellation_reason',
    'capture_method',
    'client_secret',
    'confirmation_method',
    'created',
    'currency',
    'description',
    'excluded_payment_method_types',
    'id',
    'last_payment_error',
    'livemode',
    'next_action',
    'object',
    'payment_method',
    'payment_method_configuration_details',
    'payment_method_types',
    'processing',
    'receipt_email',
    'setup_future_usage',
    'shipping',
    'status',
  ];

  it('return only the documented subset: no metadata, customer, charge or amounts received', async () => {
    const pi = await t.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', metadata: { invoice_id: '7' }, description: 'Invoice 7' });
    const read = await rawApi(t.sandbox, 'GET', `/v1/payment_intents/${pi.id}`, { client_secret: pi.client_secret! }, browser);
    expect(Object.keys(read.json).sort()).toEqual(SUBSET);
    expect(read.json).toMatchObject({ id: pi.id, amount: 1000, description: 'Invoice 7', status: 'requires_payment_method' });
    expect(read.json.metadata).toBeUndefined();
    // The secret key still sees everything.
    expect((await t.stripe.paymentIntents.retrieve(pi.id)).metadata).toEqual({ invoice_id: '7' });
  });

  it('the same subset after a publishable confirm, and inside a decline', async () => {
    const pi = await t.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', metadata: { secret: 'yes' } });
    const ok = await rawApi(
      t.sandbox,
      'POST',
      `/v1/payment_intents/${pi.id}/confirm`,
      { client_secret: pi.client_secret!, payment_method: 'pm_card_visa' },
      browser,
    );
    expect(ok.json.status).toBe('succeeded');
    expect(Object.keys(ok.json).sort()).toEqual(SUBSET);
    const other = await t.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', metadata: { secret: 'yes' } });
    const declined = await rawApi(
      t.sandbox,
      'POST',
      `/v1/payment_intents/${other.id}/confirm`,
      { client_secret: other.client_secret!, payment_method: 'pm_card_chargeDeclined' },
      browser,
    );
    expect(declined.status).toBe(402);
    expect(Object.keys(declined.json.error.payment_intent).sort()).toEqual(SUBSET);
  });
});
