import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';

import { createInvoice } from '~/invoices/invoices.server';
import { chargeInvoice, newAttemptKey } from '~/payments/charge-invoice.server';
import { handleStripeWebhook } from '~/payments/webhooks.server';
import { getSqlite } from '~/platform/db.server';
import { newRefundKey, refundCharge } from '~/refunds/refund-charge.server';
import { rebuildRollup } from '~/reports/rollup.server';

import { generateHistory } from '../../demo/history';
import { createRandom } from '../../demo/random';
import { useTestDatabase } from '../helpers/database';
import { useSandbox } from '../helpers/sandbox';
import { createTestUser } from '../helpers/users';

const WEBHOOK_SECRET = 'whsec_keyedrolluptestsecret';
useTestDatabase({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_SECRET_KEY: undefined, STRIPE_PUBLISHABLE_KEY: undefined, ALLOWED_CARD_COUNTRIES: undefined });
const sandbox = useSandbox();

/** Every rollup table (daily_*), whatever the reports module keeps, sorted so two snapshots compare. */
function rollupSnapshot() {
  const sqlite = getSqlite();
  const tables = (sqlite.prepare("select name from sqlite_master where type = 'table' and name like 'daily_%' order by name").all() as { name: string }[]).map(
    (t) => t.name,
  );
  expect(tables.length).toBeGreaterThan(0);
  return Object.fromEntries(
    tables.map((table) => {
      const rows = sqlite.prepare(`select * from "${table}"`).all() as Record<string, unknown>[];
      return [table, rows.map((r) => JSON.stringify(r)).sort()];
    }),
  );
}

const CARDS = [
  '4242424242424242',
  '4000001240000000',
  '5555555555554444',
  '4000000000009995',
  '4000000000000002',
  '4000000000000069',
  '4000000000000127',
  '4000002500003155',
  '4000000000009987',
];

describe('the daily rollup', () => {
  it('equals a full recount after random charges, refunds and webhooks on top of generated history', async () => {
    const staff = await Promise.all([createTestUser('staff', 'a@keyed.test'), createTestUser('staff', 'b@keyed.test')]);
    const finance = await createTestUser('finance');
    await generateHistory(getSqlite(), {
      attempts: 500,
      days: 10,
      seed: 9,
      endAt: Date.now() - 3_600_000,
      staffUserIds: staff.map((s) => s.id),
      refundUserIds: [finance.id],
    });
    const rand = createRandom(99);
    const succeeded: number[] = [];
    for (let i = 0; i < 25; i++) {
      const who = staff[i % 2]!;
      const invoice = createInvoice(
        {
          customerName: `Caller ${i}`,
          customerEmail: null,
          customerPhone: null,
          description: 'Order',
          amount: 1000 + Math.floor(rand() * 90000),
          currency: rand() < 0.5 ? 'usd' : 'cad',
        },
        { id: who.id },
      );
      // Some invoices are declined first and then paid with another card (recovered).
      for (let tries = 0; tries < 3; tries++) {
        const card = CARDS[Math.floor(rand() * CARDS.length)]!;
        const started = await chargeInvoice(
          { invoiceId: invoice.id, paymentMethodId: await sandbox.paymentMethod(card), attemptKey: newAttemptKey() },
          { id: who.id },
        );
        if (!started.ok) break;
        const status = (getSqlite().prepare('select status from payment_attempts where id = ?').get(started.attemptId) as { status: string }).status;
        if (status === 'succeeded') {
          succeeded.push(started.attemptId);
          break;
        }
      }
    }
    for (const attemptId of succeeded.filter(() => rand() < 0.4)) {
      await refundCharge({ attemptId, amount: rand() < 0.5 ? undefined : 500, idempotencyKey: newRefundKey() }, { id: finance.id, role: 'finance' });
    }
    // Every event the sandbox produced, delivered (twice: replays change nothing), in order.
    const events = (await sandbox.stripe.events.list({ limit: 100 })).data.reverse();
    for (const event of [...events, ...events]) {
      const payload = JSON.stringify(event);
      expect(handleStripeWebhook(payload, Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET })).status).toBe(200);
    }
    expect(succeeded.length).toBeGreaterThan(5);
    const live = rollupSnapshot();
    rebuildRollup();
    expect(rollupSnapshot()).toEqual(live);
  });
});
