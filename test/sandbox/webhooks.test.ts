// Signed webhook delivery, verified with the official SDK's constructEvent.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sleep, startTestSandbox, stripeFor, useSandbox } from './helpers.ts';

interface Delivery {
  body: string;
  signature: string;
}

/** A tiny endpoint on 127.0.0.1:0 that records what it receives; `failFirst` answers 500 that many times. */
async function startEndpoint(failFirst = 0): Promise<{ url: string; deliveries: Delivery[]; server: Server }> {
  const deliveries: Delivery[] = [];
  let failures = failFirst;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ body: Buffer.concat(chunks).toString('utf8'), signature: String(req.headers['stripe-signature']) });
      if (failures > 0) {
        failures -= 1;
        res.writeHead(500).end('nope');
      } else res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`, deliveries, server };
}

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await sleep(20);
  }
}

const SECRET = 'whsec_test_secret_for_keyed';
let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
let flaky: Awaited<ReturnType<typeof startEndpoint>>;

beforeAll(async () => {
  endpoint = await startEndpoint();
  flaky = await startEndpoint(2);
});
// Registered after the endpoints start; its afterAll (closing the sandbox) runs before the one below.
afterAll(() => {
  endpoint.server.close();
  flaky.server.close();
});
const t = useSandbox({
  options: () => ({
    webhookEndpoints: [
      { url: endpoint.url, secret: SECRET },
      { url: flaky.url, secret: SECRET },
    ],
  }),
});

describe('webhooks', () => {
  it('delivers each event signed so t.stripe.webhooks.constructEvent verifies it', async () => {
    const pi = await t.stripe.paymentIntents.create({ amount: 1234, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    await waitFor(() => endpoint.deliveries.length >= 3);
    const events = endpoint.deliveries.map((d) => t.stripe.webhooks.constructEvent(d.body, d.signature, SECRET));
    expect(events.map((e) => e.type)).toEqual(['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']);
    const succeeded = events[2] as Stripe.PaymentIntentSucceededEvent;
    expect(succeeded.data.object.id).toBe(pi.id);
    expect(succeeded.pending_webhooks).toBe(2);
    // The same event is retrievable from the API.
    expect((await t.stripe.events.retrieve(succeeded.id)).type).toBe('payment_intent.succeeded');
  });

  it('a tampered body or a wrong secret fails verification', () => {
    const d = endpoint.deliveries[0];
    expect(() => t.stripe.webhooks.constructEvent(d.body.replace('1234', '9999'), d.signature, SECRET)).toThrow(Stripe.errors.StripeSignatureVerificationError);
    expect(() => t.stripe.webhooks.constructEvent(d.body, d.signature, 'whsec_wrong')).toThrow(Stripe.errors.StripeSignatureVerificationError);
  });

  it('retries a failing endpoint with backoff until it answers 2xx', async () => {
    await waitFor(() => flaky.deliveries.length >= 5, 5000);
    const ids = flaky.deliveries.map((d) => (JSON.parse(d.body) as Stripe.Event).id);
    // Three events; the first two attempts failed, so two ids arrive twice.
    expect(new Set(ids).size).toBe(3);
    expect(ids.length).toBe(5);
  });

  it('webhook endpoints created through the API get a whsec_ secret and their selected events', async () => {
    const own = await startEndpoint();
    try {
      const created = await t.stripe.webhookEndpoints.create({ url: own.url, enabled_events: ['charge.refunded'] });
      expect(created.secret).toMatch(/^whsec_/);
      expect((await t.stripe.webhookEndpoints.retrieve(created.id)).secret).toBeUndefined();
      expect((await t.stripe.webhookEndpoints.list()).data.map((e) => e.id)).toContain(created.id);
      const pi = await t.stripe.paymentIntents.create({ amount: 800, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
      await t.stripe.refunds.create({ payment_intent: pi.id });
      await waitFor(() => own.deliveries.length >= 1);
      await sleep(100);
      expect(own.deliveries).toHaveLength(1);
      const event = t.stripe.webhooks.constructEvent(own.deliveries[0].body, own.deliveries[0].signature, created.secret!);
      expect(event.type).toBe('charge.refunded');
      expect((event as Stripe.ChargeRefundedEvent).data.object.refunded).toBe(true);
      const deleted = await t.stripe.webhookEndpoints.del(created.id);
      expect(deleted.deleted).toBe(true);
    } finally {
      own.server.close();
    }
  });
});

describe('webhook delivery never blocks the API, and close() stops it', () => {
  it('a hanging endpoint does not slow responses; close() ends pending attempts and retries', async () => {
    const held: ServerResponse[] = [];
    const hanging = createServer((_req, res) => {
      held.push(res); // never answered
    });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const failing = await startEndpoint(1000);
    const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/`;
    const local = await startTestSandbox({
      webhookEndpoints: [
        { url, secret: SECRET },
        { url: failing.url, secret: SECRET },
      ],
    });
    try {
      const client = stripeFor(local);
      const t0 = Date.now();
      for (let i = 0; i < 5; i++) {
        await client.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
      }
      expect(Date.now() - t0).toBeLessThan(1000);
      await waitFor(() => failing.deliveries.length >= 1);
    } finally {
      await local.close();
    }
    await sleep(100); // a request already on the wire when close() ran may still land
    const after = failing.deliveries.length;
    await sleep(700); // retries were due 500 ms after each failure

    expect(failing.deliveries.length).toBe(after);
    for (const res of held) res.destroy();
    hanging.close();
    failing.server.close();
  });
});
