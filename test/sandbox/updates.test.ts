// Changes Stripe allows after the fact: charge, refund and webhook endpoint updates, refund cancel.
import { describe, expect, it } from 'vitest';

import { rawApi, stripeError, useSandbox } from './helpers.ts';

const t = useSandbox({ resetEach: true });

async function paidCharge() {
  const pi = await t.stripe.paymentIntents.create({ amount: 2500, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
  return pi.latest_charge as string;
}

describe('charge update', () => {
  it('changes description, metadata, receipt_email, shipping and fraud_details, and records charge.updated', async () => {
    const id = await paidCharge();
    const updated = await t.stripe.charges.update(id, {
      description: 'Invoice 12',
      metadata: { note: 'phone order' },
      receipt_email: 'pat@example.com',
      shipping: { name: 'Pat Lee', address: { line1: '1 Main St', city: 'Montréal', country: 'CA', postal_code: 'H2X 1Y4' } },
      fraud_details: { user_report: 'safe' },
    });
    expect(updated).toMatchObject({
      id,
      amount: 2500,
      status: 'succeeded',
      description: 'Invoice 12',
      metadata: { note: 'phone order' },
      receipt_email: 'pat@example.com',
      fraud_details: { user_report: 'safe' },
      shipping: { name: 'Pat Lee', address: { city: 'Montréal', country: 'CA', line2: null }, carrier: null },
    });
    const event = (await t.stripe.events.list({ type: 'charge.updated' })).data[0];
    expect(event.data.previous_attributes).toMatchObject({ description: null, receipt_email: null });
    const cleared = await t.stripe.charges.update(id, { metadata: { note: '' } });
    expect(cleared.metadata).toEqual({});
  });

  it('refuses what cannot change, unknown charges and bad values', async () => {
    const id = await paidCharge();
    expect((await stripeError(t.stripe.charges.update(id, { amount: 1 } as never))).raw).toMatchObject({ code: 'parameter_unknown', param: 'amount' });
    expect((await stripeError(t.stripe.charges.update('ch_nope', { description: 'x' }))).statusCode).toBe(404);
    const bad = await stripeError(t.stripe.charges.update(id, { fraud_details: { user_report: 'maybe' as never } }));
    expect(bad.raw.param).toBe('fraud_details[user_report]');
    const noName = await stripeError(t.stripe.charges.update(id, { shipping: { address: { line1: 'x' } } as never }));
    expect(noName.raw).toMatchObject({ code: 'parameter_missing', param: 'shipping[name]' });
  });
});

describe('refund update and cancel', () => {
  it('updates metadata (refund.updated) and refuses to cancel a card refund that already succeeded', async () => {
    const charge = await paidCharge();
    const refund = await t.stripe.refunds.create({ charge, amount: 500 });
    const updated = await t.stripe.refunds.update(refund.id, { metadata: { ticket: 'T-9' } });
    expect(updated.metadata).toEqual({ ticket: 'T-9' });
    expect((await t.stripe.events.list({ type: 'refund.updated' })).data).toHaveLength(1);
    expect((await stripeError(t.stripe.refunds.update(refund.id, { amount: 1 } as never))).raw.code).toBe('parameter_unknown');
    const err = await stripeError(t.stripe.refunds.cancel(refund.id));
    expect(err.statusCode).toBe(400);
    expect(err.raw).toMatchObject({ type: 'invalid_request_error', param: 'refund' });
    expect(err.message).toContain('status of succeeded');
    expect((await stripeError(t.stripe.refunds.cancel('re_nope'))).statusCode).toBe(404);
  });
});

describe('webhook endpoint update', () => {
  it('changes url, events, description and metadata, and disables it', async () => {
    const created = await t.stripe.webhookEndpoints.create({ url: 'https://example.com/a', enabled_events: ['charge.refunded'] });
    const updated = await t.stripe.webhookEndpoints.update(created.id, {
      url: 'https://example.com/b',
      enabled_events: ['payment_intent.succeeded', 'payment_intent.payment_failed'],
      description: 'Keyed',
      metadata: { env: 'test' },
    });
    expect(updated).toMatchObject({
      url: 'https://example.com/b',
      enabled_events: ['payment_intent.succeeded', 'payment_intent.payment_failed'],
      description: 'Keyed',
      metadata: { env: 'test' },
      status: 'enabled',
    });
    expect(updated.secret).toBeUndefined();
    expect((await t.stripe.webhookEndpoints.update(created.id, { disabled: true })).status).toBe('disabled');
    expect((await t.stripe.webhookEndpoints.retrieve(created.id)).status).toBe('disabled');
    expect((await stripeError(t.stripe.webhookEndpoints.update(created.id, { url: 'ftp://x' }))).raw).toMatchObject({ code: 'url_invalid', param: 'url' });
    // The SDK leaves an empty list out; sent by hand (`enabled_events=`) it is refused.
    const empty = await rawApi(t.sandbox, 'POST', `/v1/webhook_endpoints/${created.id}`, { enabled_events: '' });
    expect(empty.json.error).toMatchObject({ code: 'parameter_missing', param: 'enabled_events' });
  });
});
