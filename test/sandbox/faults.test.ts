// Injected faults and how the official SDK (which retries with the same key) lives through them.
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';

import { control, rawApi, stripeError, stripeFor, useSandbox } from './helpers.ts';

const t = useSandbox({ resetEach: true });

const create = (client: Stripe, key: string) =>
  client.paymentIntents.create(
    { amount: 1099, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, error_on_requires_action: true },
    { idempotencyKey: key },
  );

async function intentCount(): Promise<number> {
  return (await t.stripe.paymentIntents.list({ limit: 100 })).data.length;
}

describe('faults', () => {
  it('lists and clears pending faults', async () => {
    await control(t.sandbox, 'faults', { mode: '429', count: 2, method: 'post', path: '/v1/refunds' });
    const listed = (await control(t.sandbox, 'faults', undefined, 'GET')) as { faults: { mode: string; remaining: number; method: string }[] };
    expect(listed.faults).toMatchObject([{ mode: '429', remaining: 2, method: 'POST', path: '/v1/refunds' }]);
    await control(t.sandbox, 'faults', undefined, 'DELETE');
    expect(((await control(t.sandbox, 'faults', undefined, 'GET')) as { faults: unknown[] }).faults).toEqual([]);
  });

  it('500_before: nothing is stored, and the SDK retry succeeds with one intent', async () => {
    await control(t.sandbox, 'faults', { mode: '500_before', count: 1, path: '/v1/payment_intents' });
    const retrying = stripeFor(t.sandbox, { maxNetworkRetries: 2 });
    const pi = await create(retrying, 'k-500');
    expect(pi.status).toBe('succeeded');
    expect(await intentCount()).toBe(1);

    await control(t.sandbox, 'faults', { mode: '500_before', count: 1, method: 'POST' });
    const raw = await rawApi(t.sandbox, 'POST', '/v1/payment_intents', { amount: '1000', currency: 'usd' });
    expect(raw.status).toBe(500);
    expect(raw.json.error.type).toBe('api_error');
    expect(raw.headers.get('stripe-should-retry')).toBe('true');
    expect(await intentCount()).toBe(1);
  });

  it('429: rate limited, nothing stored; the next call goes through', async () => {
    await control(t.sandbox, 'faults', { mode: '429', count: 1, method: 'POST', path: '/v1/payment_intents' });
    const err = await stripeError(create(t.stripe, 'k-429'));
    expect(err.type).toBe('StripeRateLimitError');
    expect(err.statusCode).toBe(429);
    expect(err.raw.code).toBe('rate_limit');
    expect(await intentCount()).toBe(0);
    expect((await create(t.stripe, 'k-429')).status).toBe('succeeded');
    expect(await intentCount()).toBe(1);
  });

  it('delay: the matching request is slowed, others are not', async () => {
    await control(t.sandbox, 'faults', { mode: 'delay', count: 1, path: '/v1/payment_intents', delayMs: 300 });
    const t0 = Date.now();
    await create(t.stripe, 'k-delay');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    const t1 = Date.now();
    await t.stripe.charges.list();
    expect(Date.now() - t1).toBeLessThan(250);
  });

  it('drop_after: the charge happens, the client sees a hang-up, and a retry with the key replays it', async () => {
    // The SDK retries a closed connection once even with maxNetworkRetries: 0, so drop twice.
    await control(t.sandbox, 'faults', { mode: 'drop_after', count: 2, method: 'POST', path: '/v1/payment_intents' });
    const err = await stripeError(create(t.stripe, 'k-drop'));
    expect(err.type).toBe('StripeConnectionError');
    expect(await intentCount()).toBe(1);
    const stored = (await t.stripe.paymentIntents.list()).data[0];
    expect(stored.status).toBe('succeeded');

    const replay = await create(t.stripe, 'k-drop');
    expect(replay.id).toBe(stored.id);
    expect(replay.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(await intentCount()).toBe(1);
  });

  it('drop_after once: the SDK reconnects with the same key and gets the original success', async () => {
    await control(t.sandbox, 'faults', { mode: 'drop_after', count: 1, method: 'POST', path: '/v1/payment_intents' });
    const pi = await create(t.stripe, 'k-drop-once');
    expect(pi.status).toBe('succeeded');
    expect(await intentCount()).toBe(1);
  });

  it('latency is added to every API response', async () => {
    await control(t.sandbox, 'latency', { ms: 150 });
    const t0 = Date.now();
    await t.stripe.charges.list();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    await control(t.sandbox, 'latency', { ms: 0 });
  });
});
