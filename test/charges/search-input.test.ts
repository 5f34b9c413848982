import { describe, expect, it } from 'vitest';

import { getDb } from '~/platform/db.server';
import * as chargesList from '~/routes/charges._index';
import * as chargesExport from '~/routes/charges.export';
import * as invoicesList from '~/routes/invoices._index';
import * as terminal from '~/routes/terminal';

import { invoices, paymentAttempts } from '../../db/schema';
import { useTestDatabase } from '../helpers/database';
import { createTestUser, requestAs, respond } from '../helpers/users';

useTestDatabase();

async function seedOneCharge() {
  const finance = await createTestUser('finance');
  const now = Date.now();
  const invoice = getDb()
    .insert(invoices)
    .values({
      number: 'INV-000001',
      customerName: 'Gagnon Électrique',
      description: 'Parts',
      amount: 1000,
      currency: 'cad',
      status: 'paid',
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  getDb()
    .insert(paymentAttempts)
    .values({
      invoiceId: invoice.id,
      userId: finance.id,
      idempotencyKey: 'k1',
      amount: 1000,
      currency: 'cad',
      status: 'succeeded',
      paymentMethodId: 'pm_x',
      createdAt: now,
    })
    .run();
  return finance;
}

const load = async (route: { loader: (args: never) => unknown }, userId: number, path: string) =>
  respond(async () => route.loader({ request: await requestAs(userId, path), params: {}, context: {} } as never));

describe('control characters in a search', () => {
  it('a NUL byte in the charge search is stripped, not a 500, and the CSV export streams to the end', async () => {
    const finance = await seedOneCharge();
    const page = await load(chargesList, finance.id, '/charges?q=%00');
    expect(page.status).toBe(200);
    const withText = await load(chargesList, finance.id, '/charges?q=%00Gagnon%00%01');
    expect(JSON.stringify(await withText.json())).toContain('Gagnon Électrique');
    const csv = await load(chargesExport, finance.id, '/charges/export?q=%00gag');
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(2);
  });

  it('the invoice list and the terminal search strip them too', async () => {
    const finance = await seedOneCharge();
    expect((await load(invoicesList, finance.id, '/invoices?q=%00%00%00')).status).toBe(200);
    expect((await load(invoicesList, finance.id, '/invoices?q=Gag%00non')).status).toBe(200);
    const staff = await createTestUser('staff');
    expect((await load(terminal, staff.id, '/terminal?q=%00abc')).status).toBe(200);
  });
});
