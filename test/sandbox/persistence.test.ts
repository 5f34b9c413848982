// State lives in the sandbox's SQLite file: a restart keeps every object and key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { rawApi, startTestSandbox, stripeFor } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'keyed-sandbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('persistence', () => {
  it('keeps intents, charges, refunds, events and idempotency keys across a restart', async () => {
    const dbPath = join(dir, 'nested', 'sandbox.db');
    const params = { amount: '4200', currency: 'usd', payment_method: 'pm_card_visa', confirm: 'true' };

    const first = await startTestSandbox({ dbPath });
    const created = await rawApi(first, 'POST', '/v1/payment_intents', params, { 'Idempotency-Key': 'k-restart' });
    const stripe1 = stripeFor(first);
    const refund = await stripe1.refunds.create({ payment_intent: created.json.id, amount: 200 });
    const eventCount = (await stripe1.events.list({ limit: 100 })).data.length;
    await first.close();

    const second = await startTestSandbox({ dbPath });
    try {
      const stripe2 = stripeFor(second);
      const pi = await stripe2.paymentIntents.retrieve(created.json.id, { expand: ['latest_charge'] });
      expect(pi.status).toBe('succeeded');
      expect(pi.latest_charge).toMatchObject({ amount_refunded: 200 });
      expect((await stripe2.refunds.retrieve(refund.id)).amount).toBe(200);
      expect((await stripe2.events.list({ limit: 100 })).data).toHaveLength(eventCount);
      const replay = await rawApi(second, 'POST', '/v1/payment_intents', params, { 'Idempotency-Key': 'k-restart' });
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.text).toBe(created.text);
    } finally {
      await second.close();
    }
  });
});
