// Idempotency keys as Stripe keeps them: replays, mismatches, in-flight conflicts, scope.
import { describe, expect, it } from 'vitest';

import { control, rawApi, stripeError, stripeFor, useSandbox } from './helpers.ts';

const t = useSandbox({ resetEach: true });

const params = { amount: '1099', currency: 'usd', payment_method: 'pm_card_visa', confirm: 'true', 'metadata[invoice_id]': '7' };

async function intentCount(): Promise<number> {
  return (await t.stripe.paymentIntents.list({ limit: 100 })).data.length;
}

describe('idempotency keys', () => {
  it('replays the first response byte for byte, with Idempotent-Replayed: true', async () => {
    const first = await rawApi(t.sandbox, 'POST', '/v1/payment_intents', params, { 'Idempotency-Key': 'k-replay' });
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const second = await rawApi(t.sandbox, 'POST', '/v1/payment_intents', params, { 'Idempotency-Key': 'k-replay' });
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('original-request')).toBe(first.headers.get('request-id'));
    expect(second.text).toBe(first.text);
    expect(await intentCount()).toBe(1);
  });

  it('replays a 402 decline too', async () => {
    const declined = { ...params, payment_method: 'pm_card_chargeDeclinedInsufficientFunds' };
    const first = await rawApi(t.sandbox, 'POST', '/v1/payment_intents', declined, { 'Idempotency-Key': 'k-402' });
    expect(first.status).toBe(402);
    const second = await rawApi(t.sandbox, 'POST', '/v1/payment_intents', declined, { 'Idempotency-Key': 'k-402' });
    expect(second.status).toBe(402);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.text).toBe(first.text);
    expect(await intentCount()).toBe(1);
    expect((await t.stripe.charges.list()).data).toHaveLength(1);
  });

  it('works through the SDK: same key, same intent', async () => {
    const create = () =>
      t.stripe.paymentIntents.create({ amount: 1099, currency: 'usd', payment_method: 'pm_card_visa', confirm: true }, { idempotencyKey: 'k-sdk' });
    const a = await create();
    const b = await create();
    expect(b.id).toBe(a.id);
    expect(b.lastResponse.headers['idempotent-replayed']).toBe('true');
  });

  it('answers 400 idempotency_error when the same key comes with different parameters', async () => {
    await rawApi(t.sandbox, 'POST', '/v1/payment_intents', params, { 'Idempotency-Key': 'k-mismatch' });
    const other = await rawApi(t.sandbox, 'POST', '/v1/payment_intents', { ...params, amount: '2000' }, { 'Idempotency-Key': 'k-mismatch' });
    expect(other.status).toBe(400);
    expect(other.json.error.type).toBe('idempotency_error');
    expect(other.json.error.message).toMatch(/^Keys for idempotent requests can only be used with the same parameters/);
    const err = await stripeError(t.stripe.paymentIntents.create({ amount: 3000, currency: 'usd' }, { idempotencyKey: 'k-mismatch' }));
    expect(err.type).toBe('StripeIdempotencyError');
    expect(await intentCount()).toBe(1);
  });

  it('answers 409 while the first request with the key is still running', async () => {
    await control(t.sandbox, 'latency', { ms: 300 });
    const first = rawApi(t.sandbox, 'POST', '/v1/payment_intents', params, { 'Idempotency-Key': 'k-flight' });
    await new Promise((r) => setTimeout(r, 60));
    const second = await rawApi(t.sandbox, 'POST', '/v1/payment_intents', params, { 'Idempotency-Key': 'k-flight' });
    expect(second.status).toBe(409);
    expect(second.json.error).toMatchObject({ type: 'idempotency_error', code: 'idempotency_key_in_use' });
    expect(second.json.error.message).toMatch(/another in-progress request/);
    expect((await first).status).toBe(200);
    await control(t.sandbox, 'latency', { ms: 0 });
    const third = await rawApi(t.sandbox, 'POST', '/v1/payment_intents', params, { 'Idempotency-Key': 'k-flight' });
    expect(third.headers.get('idempotent-replayed')).toBe('true');
    expect(await intentCount()).toBe(1);
  });

  it('50 concurrent requests with one key make one intent; 50 with different keys make 50', async () => {
    await control(t.sandbox, 'latency', { ms: 50 });
    const same = await Promise.all(
      Array.from({ length: 50 }, () => rawApi(t.sandbox, 'POST', '/v1/payment_intents', params, { 'Idempotency-Key': 'k-storm' })),
    );
    const ok = same.filter((r) => r.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(new Set(ok.map((r) => r.json.id)).size).toBe(1);
    expect(same.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    expect(await intentCount()).toBe(1);

    const distinct = await Promise.all(
      Array.from({ length: 50 }, (_, i) => rawApi(t.sandbox, 'POST', '/v1/payment_intents', params, { 'Idempotency-Key': `k-many-${i}` })),
    );
    expect(distinct.every((r) => r.status === 200)).toBe(true);
    expect(new Set(distinct.map((r) => r.json.id)).size).toBe(50);
    expect(await intentCount()).toBe(51);
  });

  it('the SDK, retrying 409s, brings 20 concurrent same-key calls to the same intent', async () => {
    await control(t.sandbox, 'latency', { ms: 100 });
    const retrying = stripeFor(t.sandbox, { maxNetworkRetries: 5 });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        retrying.paymentIntents.create({ amount: 700, currency: 'usd', payment_method: 'pm_card_visa', confirm: true }, { idempotencyKey: 'k-sdk-storm' }),
      ),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await intentCount()).toBe(1);
  });

  it('scopes keys to the API key', async () => {
    const a = await rawApi(t.sandbox, 'POST', '/v1/payment_intents', params, { 'Idempotency-Key': 'k-scope' });
    const b = await rawApi(t.sandbox, 'POST', '/v1/payment_intents', params, {
      'Idempotency-Key': 'k-scope',
      Authorization: 'Bearer sk_test_other_account',
    });
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect(b.json.id).not.toBe(a.json.id);
  });

  it('does not save a request rejected up front, so a corrected retry runs', async () => {
    const bad = await rawApi(t.sandbox, 'POST', '/v1/payment_intents', { ...params, payment_method: 'pm_missing' }, { 'Idempotency-Key': 'k-invalid' });
    expect(bad.status).toBe(400);
    const again = await rawApi(t.sandbox, 'POST', '/v1/payment_intents', { ...params, payment_method: 'pm_missing' }, { 'Idempotency-Key': 'k-invalid' });
    expect(again.headers.get('idempotent-replayed')).toBeNull();
  });
});
