// Stripe's test cards through the official SDK: the outcome of each is what
// docs.stripe.com/testing documents. The first tables pin the facts by hand; the last
// runs every card in the sandbox's own table, by number and by test PaymentMethod id.
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';

import { TEST_CARDS } from '../../sandbox/test-cards.ts';
import { nextYear, stripeError, useSandbox } from './helpers.ts';

const t = useSandbox();

function createCard(number: string, extra: { cvc?: string; postal?: string; line1?: string } = {}) {
  return t.stripe.paymentMethods.create({
    type: 'card',
    card: { number, exp_month: 12, exp_year: nextYear(), cvc: extra.cvc ?? (number.startsWith('37') || number.startsWith('34') ? '1234' : '123') },
    billing_details: { address: { postal_code: extra.postal ?? '10001', line1: extra.line1 } },
  });
}

function charge(paymentMethod: string, extra: Partial<Stripe.PaymentIntentCreateParams> = {}) {
  return t.stripe.paymentIntents.create({
    amount: 1099,
    currency: 'usd',
    payment_method: paymentMethod,
    confirm: true,
    error_on_requires_action: true,
    allowed_payment_method_types: ['card'],
    expand: ['latest_charge'],
    ...extra,
  });
}

describe('successful payments by brand and country', () => {
  it.each([
    ['4242424242424242', 'visa', 'US', 'credit'],
    ['4000056655665556', 'visa', 'US', 'debit'],
    ['5555555555554444', 'mastercard', 'US', 'credit'],
    ['2223003122003222', 'mastercard', 'US', 'credit'],
    ['5200828282828210', 'mastercard', 'US', 'debit'],
    ['5105105105105100', 'mastercard', 'US', 'prepaid'],
    ['378282246310005', 'amex', 'US', 'credit'],
    ['6011111111111117', 'discover', 'US', 'credit'],
    ['3056930009020004', 'diners', 'US', 'credit'],
    ['36227206271667', 'diners', 'US', 'credit'],
    ['3566002020360505', 'jcb', 'JP', 'credit'],
    ['6200000000000005', 'unionpay', 'CN', 'credit'],
    ['4000001240000000', 'visa', 'CA', 'credit'],
    ['4000008260000000', 'visa', 'GB', 'credit'],
    ['4000002500000003', 'visa', 'FR', 'credit'],
    ['4000002760000016', 'visa', 'DE', 'credit'],
    ['4000004840008001', 'visa', 'MX', 'credit'],
    ['4000000760000002', 'visa', 'BR', 'credit'],
    ['4000003920000003', 'visa', 'JP', 'credit'],
    ['4000000360000006', 'visa', 'AU', 'credit'],
  ])('%s → %s %s %s, succeeded', async (number, brand, country, funding) => {
    const pm = await createCard(number);
    expect(pm.card).toMatchObject({ brand, country, funding, last4: number.slice(-4), exp_month: 12, exp_year: nextYear() });
    const pi = await charge(pm.id);
    expect(pi.status).toBe('succeeded');
    expect(pi.amount_received).toBe(1099);
    const ch = pi.latest_charge as Stripe.Charge;
    expect(ch).toMatchObject({ status: 'succeeded', paid: true, captured: true, amount: 1099, payment_intent: pi.id, disputed: false, refunded: false });
    expect(ch.outcome).toMatchObject({ type: 'authorized', network_status: 'approved_by_network', seller_message: 'Payment complete.', risk_level: 'normal' });
    expect(ch.payment_method_details?.card).toMatchObject({
      brand,
      country,
      funding,
      last4: number.slice(-4),
      checks: { cvc_check: 'pass', address_postal_code_check: 'pass' },
    });
  });
});

describe('declined payments', () => {
  it.each([
    ['4000000000000002', 'card_declined', 'generic_decline', 'Your card was declined.'],
    ['4000000000009995', 'card_declined', 'insufficient_funds', 'Your card has insufficient funds.'],
    ['4000000000009987', 'card_declined', 'lost_card', 'Your card was declined.'],
    ['4000000000009979', 'card_declined', 'stolen_card', 'Your card was declined.'],
    ['4000000000000069', 'expired_card', 'expired_card', 'Your card has expired.'],
    ['4000000000000127', 'incorrect_cvc', 'incorrect_cvc', "Your card's security code is incorrect."],
    ['4000000000000119', 'processing_error', 'processing_error', 'An error occurred while processing your card. Try again in a little bit.'],
    ['4000000000000341', 'card_declined', 'generic_decline', 'Your card was declined.'],
    ['4000000000000101', 'incorrect_cvc', 'incorrect_cvc', "Your card's security code is incorrect."],
  ])('%s → 402 %s / %s', async (number, code, declineCode, message) => {
    const pm = await createCard(number);
    const err = await stripeError(charge(pm.id));
    expect(err.type).toBe('StripeCardError');
    expect(err.statusCode).toBe(402);
    expect(err.raw).toMatchObject({ type: 'card_error', code, decline_code: declineCode, message });
    expect(err.raw.doc_url).toBe(`https://docs.stripe.com/error-codes/${code.replace(/_/g, '-')}`);
    const intent = err.raw.payment_intent as Stripe.PaymentIntent;
    expect(intent.status).toBe('requires_payment_method');
    expect(intent.payment_method).toBeNull();
    expect(intent.last_payment_error).toMatchObject({ type: 'card_error', code, decline_code: declineCode, message, charge: err.raw.charge });
    expect(intent.last_payment_error?.payment_method?.id).toBe(pm.id);
    expect(err.raw.payment_method?.id).toBe(pm.id);
    // A failed Charge is recorded and the intent points at it, as on Stripe.
    expect(intent.latest_charge).toBe(err.raw.charge);
    const ch = await t.stripe.charges.retrieve(err.raw.charge);
    expect(ch).toMatchObject({ status: 'failed', paid: false, failure_code: code, failure_message: message, amount_captured: 0 });
    expect(ch.outcome).toMatchObject({ type: 'issuer_declined', network_status: 'declined_by_network', reason: declineCode });
    const stored = await t.stripe.paymentIntents.retrieve(intent.id);
    expect(stored.status).toBe('requires_payment_method');
    expect(stored.last_payment_error?.decline_code).toBe(declineCode);
  });

  it('4000000000000101 succeeds when no CVC is given', async () => {
    const pm = await t.stripe.paymentMethods.create({ type: 'card', card: { number: '4000000000000101', exp_month: 1, exp_year: nextYear() } });
    const pi = await charge(pm.id);
    expect(pi.status).toBe('succeeded');
    expect((pi.latest_charge as Stripe.Charge).payment_method_details?.card?.checks?.cvc_check).toBeNull();
  });
});

describe('Radar and verification checks', () => {
  it.each(['4100000000000019', '4000000000004954'])('%s (risk level highest) is blocked', async (number) => {
    const pm = await createCard(number);
    const err = await stripeError(charge(pm.id));
    expect(err.raw).toMatchObject({ type: 'card_error', code: 'card_declined', decline_code: 'fraudulent', message: 'Your card was declined.' });
    const ch = await t.stripe.charges.retrieve(err.raw.charge);
    expect(ch.outcome).toMatchObject({ type: 'blocked', network_status: 'not_sent_to_network', reason: 'highest_risk_level', risk_level: 'highest' });
  });

  it('4000000000009235 (elevated risk) succeeds with risk_level elevated', async () => {
    const pi = await charge((await createCard('4000000000009235')).id);
    expect(pi.status).toBe('succeeded');
    expect((pi.latest_charge as Stripe.Charge).outcome?.risk_level).toBe('elevated');
  });

  it.each([
    ['4000000000000036', { address_postal_code_check: 'fail', address_line1_check: 'pass' }],
    ['4000000000000028', { address_postal_code_check: 'pass', address_line1_check: 'fail' }],
    ['4000000000000010', { address_postal_code_check: 'fail', address_line1_check: 'fail' }],
    ['4000000000000044', { address_postal_code_check: 'unavailable', address_line1_check: 'unavailable' }],
  ])('%s succeeds with checks %o', async (number, checks) => {
    const pm = await createCard(number, { line1: '1 Main St' });
    expect(pm.card?.checks).toEqual({ address_line1_check: 'unchecked', address_postal_code_check: 'unchecked', cvc_check: 'unchecked' });
    const pi = await charge(pm.id);
    expect(pi.status).toBe('succeeded');
    expect((pi.latest_charge as Stripe.Charge).payment_method_details?.card?.checks).toMatchObject({ ...checks, cvc_check: 'pass' });
    // The PaymentMethod remembers the results, as on Stripe.
    expect((await t.stripe.paymentMethods.retrieve(pm.id)).card?.checks).toMatchObject(checks);
  });
});

describe('disputes', () => {
  it('4000000000000259: the charge succeeds, then charge.dispute.created and disputed = true', async () => {
    const pi = await charge((await createCard('4000000000000259')).id, { expand: [] });
    expect(pi.status).toBe('succeeded');
    const ch = await t.stripe.charges.retrieve(pi.latest_charge as string);
    expect(ch.disputed).toBe(true);
    const events = await t.stripe.events.list({ type: 'charge.dispute.created', limit: 5 });
    const dispute = events.data.find((e) => (e.data.object as Stripe.Dispute).charge === ch.id)?.data.object as Stripe.Dispute;
    expect(dispute).toMatchObject({ object: 'dispute', reason: 'fraudulent', status: 'needs_response', amount: 1099, payment_intent: pi.id });
    const refund = await stripeError(t.stripe.refunds.create({ payment_intent: pi.id }));
    expect(refund.raw.code).toBe('charge_disputed');
  });
});

describe('authentication (3D Secure) cards', () => {
  const reference =
    "This payment required an authentication action to complete, but `error_on_requires_action` was set. When you're ready, you can upgrade your integration to handle actions at https://stripe.com/docs/payments/payment-intents/upgrade-to-handle-actions.";

  it.each(['4000002500003155', '4000002760003184', '4000000000003220', '4000008260003178'])(
    '%s with error_on_requires_action fails exactly like Stripe',
    async (number) => {
      const pm = await createCard(number);
      const err = await stripeError(charge(pm.id));
      expect(err.statusCode).toBe(402);
      expect(err.raw).toMatchObject({
        type: 'card_error',
        code: 'authentication_required',
        decline_code: 'authentication_not_handled',
        doc_url: 'https://docs.stripe.com/error-codes#authentication-required',
        message: reference,
      });
      expect(err.raw.payment_intent).toMatchObject({
        object: 'payment_intent',
        amount: 1099,
        status: 'requires_payment_method',
        last_payment_error: {
          code: 'authentication_required',
          decline_code: 'authentication_not_handled',
          doc_url: 'https://docs.stripe.com/error-codes#authentication-required',
          message: reference,
          type: 'card_error',
        },
      });
    },
  );

  it('without the flag the intent waits in requires_action with use_stripe_sdk', async () => {
    const pm = await createCard('4000002760003184');
    const pi = await t.stripe.paymentIntents.create({ amount: 500, currency: 'eur', payment_method: pm.id, confirm: true });
    expect(pi.status).toBe('requires_action');
    expect(pi.next_action?.type).toBe('use_stripe_sdk');
    expect(pi.latest_charge).toBeNull();
  });

  it('with a return_url the next action is redirect_to_url', async () => {
    const pi = await t.stripe.paymentIntents.create({
      amount: 500,
      currency: 'usd',
      payment_method: 'pm_card_threeDSecure2Required',
      confirm: true,
      return_url: 'https://example.com/return',
    });
    expect(pi.status).toBe('requires_action');
    expect(pi.next_action?.redirect_to_url).toMatchObject({ return_url: 'https://example.com/return' });
    expect(pi.next_action?.redirect_to_url?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('off_session: the issuer soft-declines with authentication_required and a failed charge', async () => {
    const err = await stripeError(
      t.stripe.paymentIntents.create({ amount: 700, currency: 'usd', payment_method: 'pm_card_authenticationRequired', confirm: true, off_session: true }),
    );
    expect(err.raw).toMatchObject({
      type: 'card_error',
      code: 'authentication_required',
      decline_code: 'authentication_required',
      message: 'Your card was declined. This transaction requires authentication.',
    });
    expect((await t.stripe.charges.retrieve(err.raw.charge)).status).toBe('failed');
  });

  it('4000000000003055 (3DS supported, not required) succeeds', async () => {
    expect((await charge((await createCard('4000000000003055')).id)).status).toBe('succeeded');
  });
});

describe('PaymentMethod validation errors', () => {
  it.each([
    [{ number: '4242424242424241' }, 'incorrect_number', 'Your card number is incorrect.', 'number'],
    [{ number: '424242424242' }, 'incorrect_number', 'Your card number is incorrect.', 'number'],
    [{ exp_month: 13 }, 'invalid_expiry_month', "Your card's expiration month is invalid.", 'exp_month'],
    [{ exp_year: 2001 }, 'invalid_expiry_year', "Your card's expiration year is invalid.", 'exp_year'],
    [{ cvc: '12' }, 'invalid_cvc', "Your card's security code is invalid.", 'cvc'],
    [{ number: '378282246310005', cvc: '123' }, 'invalid_cvc', "Your card's security code is invalid.", 'cvc'],
  ])('%o → 402 %s', async (override, code, message, param) => {
    const err = await stripeError(
      t.stripe.paymentMethods.create({
        type: 'card',
        card: { number: '4242424242424242', exp_month: 12, exp_year: nextYear(), cvc: '123', ...override },
      }),
    );
    expect(err.statusCode).toBe(402);
    expect(err.raw).toMatchObject({ type: 'card_error', code, message, param });
  });

  it('a missing number is a 400 parameter_missing', async () => {
    const err = await stripeError(t.stripe.paymentMethods.create({ type: 'card', card: { exp_month: 12, exp_year: nextYear() } as never }));
    expect(err.statusCode).toBe(400);
    expect(err.raw).toMatchObject({ type: 'invalid_request_error', code: 'parameter_missing', param: 'card[number]' });
  });
});

describe('every card in the table, by number and by test PaymentMethod id', () => {
  it.each(TEST_CARDS.map((c) => [c.number, c] as const))('%s', async (number, card) => {
    const sources = [(await createCard(number)).id, ...card.paymentMethods];
    for (const source of sources) {
      const outcome = await charge(source).then(
        (pi) => ({ ok: true as const, pi }),
        (err) => ({ ok: false as const, err }),
      );
      if (card.behavior.kind === 'succeed' && card.checks?.cvc !== 'fail') {
        expect(outcome.ok, `${source} should succeed`).toBe(true);
        if (outcome.ok) {
          const ch = outcome.pi.latest_charge as Stripe.Charge;
          expect(ch.payment_method_details?.card).toMatchObject({ brand: card.brand, country: card.country, funding: card.funding, last4: number.slice(-4) });
        }
      } else {
        expect(outcome.ok, `${source} should fail`).toBe(false);
        if (!outcome.ok) {
          expect(outcome.err.statusCode).toBe(402);
          const expected =
            card.behavior.kind === 'authenticate' ? 'authentication_not_handled' : card.behavior.kind === 'decline' ? card.behavior.decline : 'incorrect_cvc';
          expect(outcome.err.raw.decline_code).toBe(expected);
        }
      }
    }
  });

  it('a test PaymentMethod id becomes a new PaymentMethod each time, like Stripe', async () => {
    const a = await charge('pm_card_visa');
    const b = await charge('pm_card_visa');
    expect(a.payment_method).not.toBe('pm_card_visa');
    expect(a.payment_method).not.toBe(b.payment_method);
    const pm = await t.stripe.paymentMethods.retrieve(a.payment_method as string);
    expect(pm.card).toMatchObject({ brand: 'visa', last4: '4242', country: 'US' });
  });

  it('an unknown PaymentMethod id is resource_missing', async () => {
    const err = await stripeError(charge('pm_nope'));
    expect(err.statusCode).toBe(400);
    expect(err.raw).toMatchObject({ code: 'resource_missing', param: 'payment_method' });
  });
});
