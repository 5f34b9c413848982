// The contract: every response of every implemented endpoint, success and error, is validated against JSON
// Schemas generated from the pinned stripe package's types (contract/stripe-schemas.json; see
// contract/generate-schemas.ts): required fields present, types right, no field Stripe would not send.
import { readFileSync } from 'node:fs';

import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';

import { control, rawApi, type RawResponse, useSandbox } from './helpers.ts';

const t = useSandbox({ resetEach: true });

const schemas = JSON.parse(readFileSync(new URL('./contract/stripe-schemas.json', import.meta.url), 'utf8')) as {
  definitions: Record<string, Record<string, unknown>>;
};
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addSchema(schemas, 'stripe');
const validators = new Map<string, ValidateFunction>();

function validator(name: string): ValidateFunction {
  let v = validators.get(name);
  if (!v) {
    v = ajv.getSchema(`stripe#/definitions/${encodeURIComponent(name)}`);
    if (!v) throw new Error(`no schema for ${name}`);
    validators.set(name, v);
  }
  return v;
}

/** The problems a body has against a schema ([] when it conforms). */
function problems(name: string, body: unknown): string[] {
  const v = validator(name);
  return v(body) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** What a publishable key gets for a PaymentIntent: the documented subset, each field as the full schema types it. */
const PUBLISHABLE = [
  'id',
  'object',
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
  'last_payment_error',
  'livemode',
  'next_action',
  'payment_method',
  'payment_method_configuration_details',
  'payment_method_types',
  'processing',
  'receipt_email',
  'setup_future_usage',
  'shipping',
  'status',
];
ajv.addSchema(
  {
    type: 'object',
    additionalProperties: false,
    required: PUBLISHABLE,
    properties: Object.fromEntries(PUBLISHABLE.map((k) => [k, { $ref: `stripe#/definitions/PaymentIntent/properties/${k}` }])),
  },
  'publishable-payment-intent',
);

const checked: string[] = [];

/** Calls the API and checks the answer against the schema for its status (2xx → `name`, else ErrorResponse). */
async function call(
  name: string,
  method: string,
  path: string,
  params: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const res = await rawApi(t.sandbox, method, path, params, headers);
  const schema = res.status < 300 ? name : 'ErrorResponse';
  const found = schema === 'PublishablePaymentIntent' ? publishableProblems(res.json) : problems(schema, res.json);
  expect(found, `${method} ${path} → ${res.status} as ${schema}`).toEqual([]);
  checked.push(`${method} ${path.replace(/\/(pi|ch|pm|re|cus|seti|evt|we|dp)_[A-Za-z0-9]+/g, '/:id')} ${res.status}`);
  return res;
}

function publishableProblems(body: unknown): string[] {
  const v = ajv.getSchema('publishable-payment-intent')!;
  return v(body) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

describe('the validator (negative control)', () => {
  it('catches a wrong type, a missing field and an extra field', async () => {
    const pi = (await call('PaymentIntent', 'POST', '/v1/payment_intents', { amount: '1000', currency: 'usd' })).json as Record<string, unknown>;
    expect(problems('PaymentIntent', pi)).toEqual([]);
    const wrongType = problems('PaymentIntent', { ...pi, amount: '1000' });
    expect(wrongType.some((p) => p.startsWith('/amount must be number'))).toBe(true);
    const { status: _status, ...missing } = pi;
    expect(problems('PaymentIntent', missing).some((p) => p.includes("must have required property 'status'"))).toBe(true);
    expect(problems('PaymentIntent', { ...pi, colour: 'blue' }).some((p) => p.includes('must NOT have additional properties') && p.includes('colour'))).toBe(
      true,
    );
    expect(problems('PaymentIntent', { ...pi, status: 'almost_done' })).not.toEqual([]);
    expect(problems('ErrorResponse', { error: { type: 'card_error', message: 'x', colour: 'blue' } })).not.toEqual([]);
  });
});

describe('every endpoint, success and error paths', () => {
  it('PaymentIntents, Charges, Refunds, Events', async () => {
    const pm = (
      await call('PaymentMethod', 'POST', '/v1/payment_methods', {
        type: 'card',
        'card[number]': '4242424242424242',
        'card[exp_month]': '12',
        'card[exp_year]': '2040',
        'card[cvc]': '123',
        'billing_details[address][postal_code]': '10001',
      })
    ).json;
    await call('PaymentMethod', 'POST', '/v1/payment_methods', {
      type: 'card',
      'card[number]': '4242424242424241',
      'card[exp_month]': '12',
      'card[exp_year]': '2040',
    });
    await call('PaymentMethod', 'GET', `/v1/payment_methods/${pm.id}`);
    const paid = (
      await call('PaymentIntent', 'POST', '/v1/payment_intents', {
        amount: '2000',
        currency: 'usd',
        payment_method: pm.id,
        confirm: 'true',
        'metadata[invoice_id]': '1',
      })
    ).json;
    await call('PaymentIntent', 'POST', '/v1/payment_intents', {
      amount: '2000',
      currency: 'usd',
      payment_method: 'pm_card_chargeDeclinedInsufficientFunds',
      confirm: 'true',
    });
    await call('PaymentIntent', 'POST', '/v1/payment_intents', {
      amount: '2000',
      currency: 'usd',
      payment_method: 'pm_card_authenticationRequired',
      confirm: 'true',
      error_on_requires_action: 'true',
    });
    const waiting = (
      await call('PaymentIntent', 'POST', '/v1/payment_intents', {
        amount: '2000',
        currency: 'eur',
        payment_method: 'pm_card_authenticationRequired',
        confirm: 'true',
      })
    ).json;
    await control(t.sandbox, `authenticate/${waiting.id}`, { outcome: 'succeed' });
    await call('PaymentIntent', 'POST', '/v1/payment_intents', { amount: '10', currency: 'usd' });
    await call('PaymentIntent', 'GET', `/v1/payment_intents/${paid.id}`, { 'expand[]': 'latest_charge' });
    await call('PaymentIntent', 'GET', '/v1/payment_intents/pi_missing');
    await call('PaymentIntent', 'POST', `/v1/payment_intents/${paid.id}`, { description: 'Invoice 1' });
    const open = (await call('PaymentIntent', 'POST', '/v1/payment_intents', { amount: '1500', currency: 'usd' })).json;
    await call(
      'PublishablePaymentIntent',
      'GET',
      `/v1/payment_intents/${open.id}`,
      { client_secret: open.client_secret as string },
      { Authorization: 'Bearer pk_test_contract' },
    );
    await call(
      'PublishablePaymentIntent',
      'POST',
      `/v1/payment_intents/${open.id}/confirm`,
      { client_secret: open.client_secret as string, payment_method: 'pm_card_visa' },
      { Authorization: 'Bearer pk_test_contract' },
    );
    const toCancel = (await call('PaymentIntent', 'POST', '/v1/payment_intents', { amount: '1500', currency: 'usd' })).json;
    await call('PaymentIntent', 'POST', `/v1/payment_intents/${toCancel.id}/cancel`, { cancellation_reason: 'abandoned' });
    await call('PaymentIntent', 'POST', `/v1/payment_intents/${toCancel.id}/cancel`);
    const held = (
      await call('PaymentIntent', 'POST', '/v1/payment_intents', {
        amount: '3000',
        currency: 'usd',
        payment_method: 'pm_card_visa',
        capture_method: 'manual',
        confirm: 'true',
      })
    ).json;
    await call('PaymentIntent', 'POST', `/v1/payment_intents/${held.id}/capture`, { amount_to_capture: '9999' });
    await call('PaymentIntent', 'POST', `/v1/payment_intents/${held.id}/capture`, { amount_to_capture: '2000' });
    await call('PaymentIntentList', 'GET', '/v1/payment_intents', { limit: '3' });
    await call('PaymentIntentSearchResult', 'GET', '/v1/payment_intents/search', { query: 'metadata["invoice_id"]:"1"' });
    await call('PaymentIntentSearchResult', 'GET', '/v1/payment_intents/search', { query: 'colour:"blue"' });

    const chargeId = paid.latest_charge as string;
    await call('Charge', 'GET', `/v1/charges/${chargeId}`);
    await call('Charge', 'POST', `/v1/charges/${chargeId}`, { 'metadata[note]': 'x', 'shipping[name]': 'Pat', 'shipping[address][line1]': '1 Main' });
    await call('ChargeList', 'GET', '/v1/charges', { limit: '5' });
    await call('ChargeSearchResult', 'GET', '/v1/charges/search', { query: 'amount>=2000' });
    const refund = (await call('Refund', 'POST', '/v1/refunds', { charge: chargeId, amount: '500' })).json;
    await call('Refund', 'POST', '/v1/refunds', { charge: chargeId, amount: '50000' });
    await call('Refund', 'GET', `/v1/refunds/${refund.id}`);
    await call('Refund', 'POST', `/v1/refunds/${refund.id}`, { 'metadata[ticket]': '9' });
    await call('Refund', 'POST', `/v1/refunds/${refund.id}/cancel`);
    await call('RefundList', 'GET', '/v1/refunds');
    const events = (await call('EventList', 'GET', '/v1/events', { limit: '100' })).json;
    await call('StripeEvent', 'GET', `/v1/events/${events.data[0].id}`);

    const disputed = (
      await call('PaymentIntent', 'POST', '/v1/payment_intents', { amount: '2000', currency: 'usd', payment_method: 'pm_card_createDispute', confirm: 'true' })
    ).json;
    const disputes = (await call('DisputeList', 'GET', '/v1/disputes')).json;
    expect(disputes.data[0].payment_intent).toBe(disputed.id);
    await call('Dispute', 'GET', `/v1/disputes/${disputes.data[0].id}`);
  });

  it('Customers, saved cards, SetupIntents, webhook endpoints, versions and keys', async () => {
    const customer = (await call('Customer', 'POST', '/v1/customers', { email: 'c@example.com', name: 'Contract' })).json;
    await call('Customer', 'POST', '/v1/customers', { email: 'nope' });
    await call('Customer', 'GET', `/v1/customers/${customer.id}`);
    await call('Customer', 'POST', `/v1/customers/${customer.id}`, { 'metadata[a]': 'b' });
    await call('CustomerList', 'GET', '/v1/customers');
    await call('CustomerSearchResult', 'GET', '/v1/customers/search', { query: 'email:"c@example.com"' });
    const pm = (
      await call('PaymentMethod', 'POST', '/v1/payment_methods', {
        type: 'card',
        'card[number]': '4000002500003155',
        'card[exp_month]': '12',
        'card[exp_year]': '2040',
      })
    ).json;
    const si = (await call('SetupIntent', 'POST', '/v1/setup_intents', { customer: customer.id, payment_method: pm.id, confirm: 'true', usage: 'off_session' }))
      .json;
    await control(t.sandbox, `authenticate/${si.id}`, { outcome: 'succeed' });
    await call('SetupIntent', 'GET', `/v1/setup_intents/${si.id}`);
    await call('SetupIntent', 'POST', `/v1/setup_intents/${si.id}/confirm`);
    await call('SetupIntent', 'POST', '/v1/setup_intents', { payment_method: 'pm_card_chargeDeclined', confirm: 'true' });
    const other = (await call('SetupIntent', 'POST', '/v1/setup_intents', {})).json;
    await call('SetupIntent', 'POST', `/v1/setup_intents/${other.id}/cancel`);
    await call('SetupIntentList', 'GET', '/v1/setup_intents');
    await call('PaymentMethodList', 'GET', '/v1/payment_methods', { customer: customer.id });
    await call('PaymentMethodList', 'GET', `/v1/customers/${customer.id}/payment_methods`);
    await call('PaymentMethod', 'POST', `/v1/payment_methods/${pm.id}`, { 'billing_details[name]': 'Saved' });
    await call('Customer', 'POST', `/v1/customers/${customer.id}`, { 'invoice_settings[default_payment_method]': pm.id });
    await call('PaymentIntent', 'POST', '/v1/payment_intents', {
      amount: '900',
      currency: 'eur',
      customer: customer.id,
      payment_method: pm.id,
      confirm: 'true',
      off_session: 'true',
    });
    const loose = (
      await call('PaymentMethod', 'POST', '/v1/payment_methods', {
        type: 'card',
        'card[number]': '4242424242424242',
        'card[exp_month]': '12',
        'card[exp_year]': '2040',
      })
    ).json;
    await call('PaymentMethod', 'POST', `/v1/payment_methods/${loose.id}/attach`, { customer: customer.id });
    await call('PaymentMethod', 'GET', `/v1/customers/${customer.id}/payment_methods/${loose.id}`);
    await call('PaymentMethod', 'POST', `/v1/payment_methods/${loose.id}/detach`);
    await call('PaymentMethod', 'POST', `/v1/payment_methods/${loose.id}/detach`);
    await call('DeletedCustomer', 'DELETE', `/v1/customers/${customer.id}`);

    const endpoint = (await call('WebhookEndpoint', 'POST', '/v1/webhook_endpoints', { url: 'https://example.com/hook', 'enabled_events[]': '*' })).json;
    await call('WebhookEndpoint', 'POST', '/v1/webhook_endpoints', { url: 'ftp://nope', 'enabled_events[]': '*' });
    await call('WebhookEndpoint', 'GET', `/v1/webhook_endpoints/${endpoint.id}`);
    await call('WebhookEndpoint', 'POST', `/v1/webhook_endpoints/${endpoint.id}`, { disabled: 'true' });
    await call('WebhookEndpointList', 'GET', '/v1/webhook_endpoints');
    await call('DeletedWebhookEndpoint', 'DELETE', `/v1/webhook_endpoints/${endpoint.id}`);

    await call('PaymentIntentList', 'GET', '/v1/payment_intents', {}, { 'Stripe-Version': '2020-08-27' });
    await call('PaymentIntentList', 'GET', '/v1/payment_intents', {}, { Authorization: 'Bearer sk_live_nope' });
    await call('PaymentIntentList', 'GET', '/v1/payment_intents', {}, { Authorization: 'Bearer pk_test_nope' });
    await call('PaymentIntentList', 'GET', '/v1/subscriptions');
  });

  it('covered every route the sandbox answers', async () => {
    const { ROUTE_LIST } = await import('../../sandbox/routes.ts');
    const reached = new Set(checked.map((c) => c.split(' ').slice(0, 2).join(' ')));
    const missing = ROUTE_LIST.filter((r) => ![...reached].some((c) => c === `${r.method} ${r.path.replace(/:pm\b/, ':id')}`));
    expect(missing).toEqual([]);
  });
});
