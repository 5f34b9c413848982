// Search through the official SDK: Stripe's query language on charges, PaymentIntents and customers.
import { describe, expect, it } from 'vitest';

import { rawApi, stripeError, useSandbox } from './helpers.ts';

const t = useSandbox({ resetEach: true });

async function pay(amount: number, metadata: Record<string, string>, pm = 'pm_card_visa', customer?: string) {
  return t.stripe.paymentIntents
    .create({ amount, currency: 'usd', payment_method: pm, confirm: true, metadata, ...(customer ? { customer } : {}) })
    .catch((error: { raw: { payment_intent: { id: string } } }) => error.raw.payment_intent);
}

describe('search', () => {
  it('PaymentIntents by metadata, status, amount, created and customer', async () => {
    const customer = await t.stripe.customers.create({ email: 'searcher@example.com', name: 'Searching Sam' });
    const a = await pay(1000, { invoice_id: '7' });
    const b = await pay(5000, { invoice_id: '8' }, 'pm_card_visa', customer.id);
    const c = await pay(3000, { invoice_id: '7' }, 'pm_card_chargeDeclined');
    const ids = async (query: string) => (await t.stripe.paymentIntents.search({ query })).data.map((p) => p.id);
    expect(await ids('metadata["invoice_id"]:"7"')).toEqual([c.id, a.id]);
    expect(await ids('metadata["invoice_id"]:"7" AND status:"succeeded"')).toEqual([a.id]);
    expect(await ids('status:"requires_payment_method"')).toEqual([c.id]);
    expect(await ids('amount>=3000')).toEqual([c.id, b.id]);
    expect(await ids('amount>1000 AND amount<5000')).toEqual([c.id]);
    expect(await ids(`customer:"${customer.id}"`)).toEqual([b.id]);
    expect(await ids('-metadata["invoice_id"]:"7"')).toEqual([b.id]);
    expect(await ids('metadata["invoice_id"]:"8" OR amount:1000')).toEqual([b.id, a.id]);
    expect(await ids(`created>=${Math.floor(Date.now() / 1000) - 60}`)).toHaveLength(3);
    expect(await ids('metadata["missing"]:null')).toHaveLength(3);
  });

  it('charges and customers, with pagination by next_page', async () => {
    for (let i = 0; i < 3; i++) await pay(1000 + i, { batch: 'x' });
    const first = await t.stripe.charges.search({ query: 'metadata["batch"]:"x" AND payment_method_details.card.last4:"4242"', limit: 2 });
    expect(first).toMatchObject({ object: 'search_result', has_more: true, url: '/v1/charges/search' });
    expect(first.data.map((c) => c.amount)).toEqual([1002, 1001]);
    const second = await t.stripe.charges.search({ query: 'metadata["batch"]:"x"', limit: 2, page: first.next_page! });
    expect(second.data.map((c) => c.amount)).toEqual([1000]);
    expect(second).toMatchObject({ has_more: false, next_page: null });
    await t.stripe.customers.create({ email: 'Jane.Doe@example.com', name: 'Jane Doe' });
    await t.stripe.customers.create({ email: 'john@example.com', name: 'John Roe' });
    expect((await t.stripe.customers.search({ query: 'email:"jane.doe@example.com"' })).data.map((c) => c.name)).toEqual(['Jane Doe']);
    expect((await t.stripe.customers.search({ query: 'name~"roe"' })).data.map((c) => c.name)).toEqual(['John Roe']);
  });

  it('answers Stripe-style errors for bad queries, unsupported fields and pages', async () => {
    const unsupported = await stripeError(t.stripe.paymentIntents.search({ query: 'description:"x"' }));
    expect(unsupported.statusCode).toBe(400);
    expect(unsupported.raw).toMatchObject({ type: 'invalid_request_error', param: 'query' });
    expect(unsupported.message).toMatch(/^Field `description` is an unsupported search field for resource `payment_intents`/);
    for (const query of ['status:', 'amount>"abc"', 'status:"a" AND amount:1 OR amount:2', 'name~"ab"', 'amount~"100"']) {
      expect((await stripeError(t.stripe.customers.search({ query }))).raw.param).toBe('query');
    }
    expect((await stripeError(t.stripe.charges.search({ query: '' }))).raw).toMatchObject({ code: 'parameter_missing', param: 'query' });
    expect((await stripeError(t.stripe.charges.search({ query: 'amount>1', page: 'nope' }))).raw.param).toBe('page');
  });

  it('search is never read as an object id', async () => {
    const post = await rawApi(t.sandbox, 'POST', '/v1/charges/search', { description: 'x' });
    expect(post.status).toBe(404);
    expect(post.json.error.message).toMatch(/^Unrecognized request URL \(POST: \/v1\/charges\/search\)/);
  });
});
