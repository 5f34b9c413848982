// SetupIntents through the official SDK: saving a card for off-session use, with the authentication
// test cards, declines, cancel, and what a set-up card then does off-session.
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';

import { control, nextYear, rawApi, stripeError, useSandbox } from './helpers.ts';

const t = useSandbox({ resetEach: true });

const card = (number: string) => t.stripe.paymentMethods.create({ type: 'card', card: { number, exp_month: 12, exp_year: nextYear(), cvc: '123' } });

async function saveCard(number: string, outcome: 'succeed' | 'fail' | null = 'succeed') {
  const customer = (await t.stripe.customers.create({ email: 'saver@example.com' })).id;
  const pm = (await card(number)).id;
  const si = await t.stripe.setupIntents.create({ customer, payment_method: pm, usage: 'off_session', confirm: true });
  const settled = si.status === 'requires_action' && outcome ? ((await control(t.sandbox, `authenticate/${si.id}`, { outcome })) as Stripe.SetupIntent) : si;
  return { customer, pm, si, settled };
}

const offSession = (pm: string, customer: string) =>
  t.stripe.paymentIntents.create({ amount: 5000, currency: 'eur', customer, payment_method: pm, confirm: true, off_session: true });

describe('SetupIntents', () => {
  it('create, confirm with a plain card: succeeded, card attached to the customer', async () => {
    const customer = await t.stripe.customers.create();
    const created = await t.stripe.setupIntents.create({ customer: customer.id, usage: 'off_session', metadata: { source: 'terminal' } });
    expect(created).toMatchObject({
      object: 'setup_intent',
      status: 'requires_payment_method',
      usage: 'off_session',
      customer: customer.id,
      payment_method: null,
    });
    expect(created.client_secret).toMatch(new RegExp(`^${created.id}_secret_`));
    const pm = await card('4242424242424242');
    const confirmed = await t.stripe.setupIntents.confirm(created.id, { payment_method: pm.id });
    expect(confirmed).toMatchObject({ status: 'succeeded', payment_method: pm.id, last_setup_error: null });
    expect((await t.stripe.paymentMethods.retrieve(pm.id)).customer).toBe(customer.id);
    expect((await t.stripe.setupIntents.retrieve(created.id)).status).toBe('succeeded');
    expect((await t.stripe.setupIntents.list({ customer: customer.id })).data.map((s) => s.id)).toEqual([created.id]);
    const types = (await t.stripe.events.list()).data.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['setup_intent.created', 'setup_intent.succeeded', 'payment_method.attached']));
    // Saved, it pays off-session without the customer.
    expect((await offSession(pm.id, customer.id)).status).toBe('succeeded');
  });

  it("refuses another customer's card", async () => {
    const [a, b] = [await t.stripe.customers.create(), await t.stripe.customers.create()];
    const pm = await card('4242424242424242');
    await t.stripe.paymentMethods.attach(pm.id, { customer: a.id });
    const err = await stripeError(t.stripe.setupIntents.create({ customer: b.id, payment_method: pm.id, confirm: true }));
    expect(err.message).toBe(`The customer does not have a payment method with the ID ${pm.id}. The payment method must be attached to the customer.`);
    const none = await stripeError(t.stripe.setupIntents.create({ payment_method: pm.id }));
    expect(none.message).toMatch(/belongs to the Customer .* on the SetupIntent\.$/);
  });

  it('4000002500003155: authentication on setup, then off-session payments go through', async () => {
    const { si, settled, pm, customer } = await saveCard('4000002500003155');
    expect(si.status).toBe('requires_action');
    expect(si.next_action?.type).toBe('use_stripe_sdk');
    expect(settled.status).toBe('succeeded');
    expect((await offSession(pm, customer)).status).toBe('succeeded');
  });

  it('4000008260003178: set up, then off-session payments are declined for insufficient funds', async () => {
    const { settled, pm, customer } = await saveCard('4000008260003178');
    expect(settled.status).toBe('succeeded');
    const err = await stripeError(offSession(pm, customer));
    expect(err.raw).toMatchObject({ code: 'card_declined', decline_code: 'insufficient_funds' });
  });

  it('4000002760003184: set up or not, off-session payments need authentication', async () => {
    const { settled, pm, customer } = await saveCard('4000002760003184');
    expect(settled.status).toBe('succeeded');
    expect((await stripeError(offSession(pm, customer))).raw).toMatchObject({ code: 'authentication_required', decline_code: 'authentication_required' });
  });

  it('4000003800000446 is already set up: no authentication on setup', async () => {
    const { si } = await saveCard('4000003800000446', null);
    expect(si.status).toBe('succeeded');
  });

  it('Fail: setup_intent_authentication_failure, the card is not saved', async () => {
    const { settled, pm } = await saveCard('4000002500003155', 'fail');
    expect(settled).toMatchObject({
      status: 'requires_payment_method',
      payment_method: null,
      last_setup_error: {
        type: 'invalid_request_error',
        code: 'setup_intent_authentication_failure',
        message: 'The latest attempt to set up the payment method has failed because authentication failed.',
      },
    });
    expect((await t.stripe.paymentMethods.retrieve(pm)).customer).toBeNull();
    expect((await t.stripe.events.list({ type: 'setup_intent.setup_failed' })).data).toHaveLength(1);
  });

  it('a declining card fails the setup with 402 and the intent inside', async () => {
    const pm = await card('4000000000000002');
    const err = await stripeError(t.stripe.setupIntents.create({ payment_method: pm.id, confirm: true }));
    expect(err.statusCode).toBe(402);
    expect(err.raw).toMatchObject({ type: 'card_error', code: 'card_declined', decline_code: 'generic_decline' });
    expect((err.raw as unknown as { setup_intent: Stripe.SetupIntent }).setup_intent).toMatchObject({ status: 'requires_payment_method' });
  });

  it('cancel, and the states that refuse it; a publishable key reads it with its client secret', async () => {
    const si = await t.stripe.setupIntents.create({});
    const canceled = await t.stripe.setupIntents.cancel(si.id, { cancellation_reason: 'abandoned' });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
    expect((await stripeError(t.stripe.setupIntents.cancel(si.id))).raw).toMatchObject({ code: 'setup_intent_unexpected_state' });
    expect((await stripeError(t.stripe.setupIntents.confirm(si.id, { payment_method: 'pm_card_visa' }))).raw.code).toBe('setup_intent_unexpected_state');
    expect((await stripeError(t.stripe.setupIntents.create({ usage: 'sometimes' as never }))).raw.param).toBe('usage');
    const other = await t.stripe.setupIntents.create({});
    const read = await rawApi(
      t.sandbox,
      'GET',
      `/v1/setup_intents/${other.id}`,
      { client_secret: other.client_secret! },
      { Authorization: 'Bearer pk_test_x' },
    );
    expect(read.json.id).toBe(other.id);
    const wrong = await rawApi(t.sandbox, 'GET', `/v1/setup_intents/${other.id}`, { client_secret: 'nope' }, { Authorization: 'Bearer pk_test_x' });
    expect(wrong.status).toBe(404);
  });
});
