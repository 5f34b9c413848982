// Customers and saved cards through the official SDK: CRUD, attach/detach/update/list, the default
// payment method, PaymentIntents with a customer, payment_method_data, and Stripe's reuse rule.
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';

import { nextYear, rawApi, stripeError, useSandbox } from './helpers.ts';

const t = useSandbox({ resetEach: true });

const newCard = (number = '4242424242424242') =>
  t.stripe.paymentMethods.create({ type: 'card', card: { number, exp_month: 12, exp_year: nextYear(), cvc: '123' } });

describe('customers', () => {
  it('create, retrieve, update, list and delete', async () => {
    const created = await t.stripe.customers.create({
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      phone: '+15145550100',
      description: 'phone customer',
      metadata: { crm: '17' },
      address: { line1: '1 Rue Peel', city: 'Montréal', country: 'CA', postal_code: 'H3B 1Y4' },
      preferred_locales: ['fr-CA'],
    });
    expect(created).toMatchObject({
      object: 'customer',
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      balance: 0,
      delinquent: false,
      invoice_settings: { default_payment_method: null },
      address: { city: 'Montréal', line2: null },
      preferred_locales: ['fr-CA'],
      livemode: false,
    });
    expect(created.id).toMatch(/^cus_/);
    expect(await t.stripe.customers.retrieve(created.id)).toEqual(created);
    const updated = await t.stripe.customers.update(created.id, { name: 'Ada King', metadata: { crm: '' } });
    expect(updated).toMatchObject({ name: 'Ada King', metadata: {} });
    expect((await t.stripe.events.list({ type: 'customer.updated' })).data[0].data.previous_attributes).toMatchObject({ name: 'Ada Lovelace' });
    await t.stripe.customers.create({ email: 'bob@example.com' });
    expect((await t.stripe.customers.list({ email: 'ada@example.com' })).data.map((c) => c.id)).toEqual([created.id]);
    expect((await t.stripe.customers.list()).data).toHaveLength(2);

    const deleted = await t.stripe.customers.del(created.id);
    expect(deleted).toEqual({ id: created.id, object: 'customer', deleted: true });
    expect(await t.stripe.customers.retrieve(created.id)).toEqual({ id: created.id, object: 'customer', deleted: true });
    expect((await stripeError(t.stripe.customers.update(created.id, { name: 'x' }))).statusCode).toBe(404);
    expect((await stripeError(t.stripe.customers.del(created.id))).statusCode).toBe(404);
    expect((await t.stripe.customers.list()).data).toHaveLength(1);
    expect((await t.stripe.events.list({ type: 'customer.deleted' })).data).toHaveLength(1);
  });

  it('validates as Stripe does', async () => {
    expect((await stripeError(t.stripe.customers.create({ email: 'not-an-email' }))).raw).toMatchObject({ code: 'email_invalid', param: 'email' });
    expect((await stripeError(t.stripe.customers.create({ colour: 'red' } as never))).raw).toMatchObject({ code: 'parameter_unknown', param: 'colour' });
    expect((await stripeError(t.stripe.customers.retrieve('cus_nope'))).raw).toMatchObject({
      code: 'resource_missing',
      message: "No such customer: 'cus_nope'",
    });
  });
});

describe('payment methods and customers', () => {
  it('attach, list, set as default, update, detach', async () => {
    const customer = await t.stripe.customers.create({ email: 'pat@example.com' });
    const pm = await newCard();
    const attached = await t.stripe.paymentMethods.attach(pm.id, { customer: customer.id });
    expect(attached.customer).toBe(customer.id);
    expect((await t.stripe.paymentMethods.list({ customer: customer.id, type: 'card' })).data.map((p) => p.id)).toEqual([pm.id]);
    expect((await t.stripe.customers.listPaymentMethods(customer.id)).data.map((p) => p.id)).toEqual([pm.id]);
    expect((await t.stripe.customers.retrievePaymentMethod(customer.id, pm.id)).id).toBe(pm.id);

    const withDefault = await t.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
    expect(withDefault.invoice_settings.default_payment_method).toBe(pm.id);

    const updated = await t.stripe.paymentMethods.update(pm.id, {
      billing_details: { name: 'Pat Lee', address: { postal_code: 'H2X 1Y4' } },
      card: { exp_month: 3, exp_year: nextYear() + 1 },
      metadata: { label: 'work' },
    });
    expect(updated).toMatchObject({
      billing_details: { name: 'Pat Lee', address: { postal_code: 'H2X 1Y4' } },
      card: { exp_month: 3, exp_year: nextYear() + 1, last4: '4242' },
      metadata: { label: 'work' },
    });

    const detached = await t.stripe.paymentMethods.detach(pm.id);
    expect(detached.customer).toBeNull();
    expect((await t.stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({ invoice_settings: { default_payment_method: null } });
    expect((await t.stripe.events.list()).data.map((e) => e.type)).toEqual(
      expect.arrayContaining(['payment_method.attached', 'payment_method.updated', 'payment_method.detached']),
    );
  });

  it('refuses what Stripe refuses', async () => {
    const [a, b] = [await t.stripe.customers.create(), await t.stripe.customers.create()];
    const pm = await newCard();
    const other = await newCard();
    expect((await stripeError(t.stripe.paymentMethods.detach(pm.id))).message).toBe(
      'The payment method you provided is not attached to a customer so detachment is impossible.',
    );
    expect((await stripeError(t.stripe.paymentMethods.update(pm.id, { metadata: { a: 'b' } }))).message).toBe(
      'You must save this PaymentMethod to a customer before you can update it.',
    );
    expect((await stripeError(t.stripe.customers.update(a.id, { invoice_settings: { default_payment_method: other.id } }))).message).toBe(
      `The customer does not have a payment method with the ID ${other.id}. The payment method must be attached to the customer.`,
    );
    await t.stripe.paymentMethods.attach(pm.id, { customer: a.id });
    expect((await stripeError(t.stripe.paymentMethods.attach(pm.id, { customer: b.id }))).message).toBe(
      'The payment method you provided has already been attached to a customer.',
    );
    expect((await stripeError(t.stripe.paymentMethods.attach(other.id, { customer: 'cus_nope' }))).raw).toMatchObject({
      code: 'resource_missing',
      param: 'customer',
    });
    await t.stripe.paymentMethods.detach(pm.id);
    expect((await stripeError(t.stripe.paymentMethods.attach(pm.id, { customer: a.id }))).message).toMatch(
      /was detached from a Customer, and may not be used again/,
    );
    const missing = await rawApi(t.sandbox, 'POST', `/v1/payment_methods/${other.id}/attach`, {});
    expect(missing.json.error).toMatchObject({ code: 'parameter_missing', param: 'customer' });
  });

  it('deleting a customer detaches its cards', async () => {
    const customer = await t.stripe.customers.create();
    const pm = await newCard();
    await t.stripe.paymentMethods.attach(pm.id, { customer: customer.id });
    await t.stripe.customers.del(customer.id);
    expect((await t.stripe.paymentMethods.retrieve(pm.id)).customer).toBeNull();
  });
});

describe('PaymentIntents with a customer', () => {
  it('setup_future_usage saves the card to the customer; the charge names the customer', async () => {
    const customer = await t.stripe.customers.create({ email: 'sam@example.com' });
    const pm = await newCard();
    const pi = await t.stripe.paymentIntents.create({
      amount: 4200,
      currency: 'usd',
      customer: customer.id,
      payment_method: pm.id,
      setup_future_usage: 'off_session',
      confirm: true,
      expand: ['latest_charge'],
    });
    expect(pi).toMatchObject({ status: 'succeeded', customer: customer.id, setup_future_usage: 'off_session' });
    expect((pi.latest_charge as Stripe.Charge).customer).toBe(customer.id);
    expect((await t.stripe.paymentMethods.retrieve(pm.id)).customer).toBe(customer.id);
    // Saved, it pays again off-session; the intents list filters by customer.
    const again = await t.stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      customer: customer.id,
      payment_method: pm.id,
      confirm: true,
      off_session: true,
    });
    expect(again.status).toBe('succeeded');
    expect((await t.stripe.paymentIntents.list({ customer: customer.id })).data).toHaveLength(2);
  });

  it('a saved card needs its own customer on the intent', async () => {
    const [a, b] = [await t.stripe.customers.create(), await t.stripe.customers.create()];
    const pm = await newCard();
    await t.stripe.paymentMethods.attach(pm.id, { customer: a.id });
    const none = await stripeError(t.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: pm.id }));
    expect(none.message).toBe(
      `The \`payment_method\` parameter supplied ${pm.id} belongs to the Customer ${a.id}. Please include the Customer in the \`customer\` parameter on the PaymentIntent.`,
    );
    const wrong = await stripeError(t.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: pm.id, customer: b.id }));
    expect(wrong.message).toMatch(/^The customer does not have a payment method with the ID/);
    expect((await stripeError(t.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', customer: 'cus_nope' }))).raw).toMatchObject({
      code: 'resource_missing',
      param: 'customer',
    });
  });
});

describe('payment_method_data', () => {
  it('creates the card and pays with it in one call', async () => {
    const pi = await t.stripe.paymentIntents.create({
      amount: 1500,
      currency: 'usd',
      confirm: true,
      payment_method_data: {
        type: 'card',
        card: { number: '5555555555554444', exp_month: 6, exp_year: nextYear(), cvc: '123' },
        billing_details: { name: 'Inline Card' },
      } as never,
    });
    expect(pi.status).toBe('succeeded');
    const pm = await t.stripe.paymentMethods.retrieve(pi.payment_method as string);
    expect(pm).toMatchObject({ card: { brand: 'mastercard', last4: '4444' }, billing_details: { name: 'Inline Card' } });
  });

  it('confirm takes it too, and a declined inline card declines like any other', async () => {
    const pi = await t.stripe.paymentIntents.create({ amount: 1500, currency: 'usd' });
    const declined = await stripeError(
      t.stripe.paymentIntents.confirm(pi.id, {
        payment_method_data: { type: 'card', card: { number: '4000000000009995', exp_month: 6, exp_year: nextYear() } } as never,
      }),
    );
    expect(declined.raw).toMatchObject({ code: 'card_declined', decline_code: 'insufficient_funds' });
    const confirmed = await t.stripe.paymentIntents.confirm(pi.id, {
      payment_method_data: { type: 'card', card: { number: '4242424242424242', exp_month: 6, exp_year: nextYear() } } as never,
    });
    expect(confirmed.status).toBe('succeeded');
    expect((await t.stripe.paymentMethods.retrieve(confirmed.payment_method as string)).card?.last4).toBe('4242');
  });

  it('is refused together with payment_method, and with a bad card', async () => {
    const both = await stripeError(
      t.stripe.paymentIntents.create({ amount: 1500, currency: 'usd', payment_method: 'pm_card_visa', payment_method_data: { type: 'card' } as never }),
    );
    expect(both.message).toBe('You may only specify one of these parameters: payment_method, payment_method_data.');
    const missing = await stripeError(
      t.stripe.paymentIntents.create({
        amount: 1500,
        currency: 'usd',
        payment_method_data: { type: 'card', card: { exp_month: 1, exp_year: nextYear() } } as never,
      }),
    );
    expect(missing.raw).toMatchObject({ code: 'parameter_missing', param: 'payment_method_data[card][number]' });
    const bad = await stripeError(
      t.stripe.paymentIntents.create({
        amount: 1500,
        currency: 'usd',
        payment_method_data: { type: 'card', card: { number: '4242424242424241', exp_month: 1, exp_year: nextYear() } } as never,
      }),
    );
    expect(bad.raw).toMatchObject({ type: 'card_error', code: 'incorrect_number' });
  });
});
