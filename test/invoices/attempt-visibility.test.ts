import { describe, expect, it } from 'vitest';

import { getDb } from '~/platform/db.server';
import * as invoicePage from '~/routes/invoices.$id';
import * as terminal from '~/routes/terminal';

import { invoices, paymentAttempts } from '../../db/schema';
import { useTestDatabase } from '../helpers/database';
import { createTestUser, requestAs, respond } from '../helpers/users';

useTestDatabase();

/** An invoice with one declined attempt keyed by `ownerId`, card details and all. */
function declinedAttemptBy(ownerId: number) {
  const now = Date.now();
  const invoice = getDb()
    .insert(invoices)
    .values({
      number: 'INV-004242',
      customerName: 'Marcus',
      description: 'Print',
      amount: 42500,
      currency: 'usd',
      status: 'open',
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  const attempt = getDb()
    .insert(paymentAttempts)
    .values({
      invoiceId: invoice.id,
      userId: ownerId,
      idempotencyKey: 'visibility-1',
      amount: 42500,
      currency: 'usd',
      status: 'failed',
      paymentMethodId: 'pm_x',
      cardBrand: 'visa',
      cardLast4: '9995',
      failureCode: 'card_declined',
      declineCode: 'insufficient_funds',
      createdAt: now,
      settledAt: now,
    })
    .returning()
    .get();
  return { invoice, attempt };
}

const invoiceAs = async (userId: number, id: number) =>
  respond(async () => invoicePage.loader({ request: await requestAs(userId, `/invoices/${id}`), params: { id: String(id) }, context: {} }));
const terminalAs = async (userId: number, invoiceId: number, attemptId: number) =>
  respond(async () => terminal.loader({ request: await requestAs(userId, `/terminal?invoice=${invoiceId}&attempt=${attemptId}`), params: {}, context: {} }));

describe('one rule for whose attempts a person sees', () => {
  it('staff see only their own attempts on the invoice page, as on the terminal', async () => {
    const keyer = await createTestUser('staff', 'keyer@keyed.test');
    const colleague = await createTestUser('staff', 'colleague@keyed.test');
    const { invoice, attempt } = declinedAttemptBy(keyer.id);

    const theirs = await invoiceAs(colleague.id, invoice.id);
    expect(theirs.status).toBe(200);
    const text = await theirs.text();
    expect(JSON.parse(text).attempts).toEqual([]);
    expect(text).not.toContain('9995');
    expect(text).not.toContain('insufficient_funds');
    expect((await terminalAs(colleague.id, invoice.id, attempt.id)).status).toBe(404);

    const own = await (await invoiceAs(keyer.id, invoice.id)).json();
    expect(own.attempts).toHaveLength(1);
    expect(own.attempts[0]).toMatchObject({ cardLast4: '9995' });
    expect(own.attempts[0]).not.toHaveProperty('userId');
    expect((await terminalAs(keyer.id, invoice.id, attempt.id)).status).toBe(200);
  });

  it('finance and managers see everyone’s, on both pages', async () => {
    const keyer = await createTestUser('staff', 'keyer@keyed.test');
    const { invoice, attempt } = declinedAttemptBy(keyer.id);
    for (const role of ['finance', 'manager'] as const) {
      const viewer = await createTestUser(role);
      expect((await (await invoiceAs(viewer.id, invoice.id)).json()).attempts).toHaveLength(1);
      expect((await terminalAs(viewer.id, invoice.id, attempt.id)).status).toBe(200);
    }
  });
});
