import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';

import { chargeInvoice, newAttemptKey } from '~/payments/charge-invoice.server';
import { getDb, getSqlite } from '~/platform/db.server';

import { invoices, paymentAttempts } from '../../db/schema';
import { mirrorHistoryToSandbox, seedDemoHistory } from '../../demo/demo-history';
import { useTestDatabase } from '../helpers/database';
import { useSandbox } from '../helpers/sandbox';
import { createTestUser } from '../helpers/users';

useTestDatabase({ STRIPE_SECRET_KEY: undefined, STRIPE_PUBLISHABLE_KEY: undefined, ALLOWED_CARD_COUNTRIES: undefined });
const sandbox = useSandbox();

function openInvoice(userId: number) {
  const now = Date.now();
  return getDb()
    .insert(invoices)
    .values({
      number: `INV-${now}`,
      customerName: 'Test',
      description: 'Test',
      amount: 2500,
      currency: 'usd',
      status: 'open',
      createdByUserId: userId,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
}

describe('mirroring charges into the sandbox at start', () => {
  it('takes a charge the terminal made with a Stripe test PaymentMethod id (pm_card_visa), even into a fresh sandbox', async () => {
    const staff = await createTestUser('staff');
    const invoice = openInvoice(staff.id);
    const outcome = await chargeInvoice({ invoiceId: invoice.id, paymentMethodId: 'pm_card_visa', attemptKey: newAttemptKey() }, { id: staff.id });
    expect(outcome).toMatchObject({ ok: true });
    const attempt = getDb().select().from(paymentAttempts).where(eq(paymentAttempts.invoiceId, invoice.id)).get()!;
    expect(attempt).toMatchObject({ status: 'succeeded', paymentMethodId: 'pm_card_visa' });
    const since = Date.now() - 86_400_000;
    // The next start, against the same sandbox: nothing to import, and no error.
    expect(await mirrorHistoryToSandbox(getSqlite(), { sandboxUrl: sandbox.url, since })).toMatchObject({ imported: 0, skipped: 1, unimportable: 0 });
    // Against a sandbox whose file was deleted: the charge is mirrored back, refundable again.
    await sandbox.control('reset', {});
    expect(await mirrorHistoryToSandbox(getSqlite(), { sandboxUrl: sandbox.url, since })).toMatchObject({ imported: 1, skipped: 0, unimportable: 0 });
    expect((await sandbox.stripe.paymentIntents.retrieve(attempt.stripePaymentIntentId!)).payment_method).toBe('pm_card_visa');
  });

  it('leaves out, and counts, a charge the sandbox could not take, instead of failing the start', async () => {
    const staff = await createTestUser('staff');
    const invoice = openInvoice(staff.id);
    getDb()
      .insert(paymentAttempts)
      .values({
        invoiceId: invoice.id,
        userId: staff.id,
        idempotencyKey: 'odd-ids',
        amount: 2500,
        currency: 'usd',
        status: 'succeeded',
        paymentMethodId: 'pm_card_visa',
        stripePaymentIntentId: 'pi_odd',
        stripeChargeId: 'ch_odd',
        createdAt: Date.now(),
      })
      .run();
    const result = await seedDemoHistory(getSqlite(), { sandboxUrl: sandbox.url, attempts: 30, days: 3 });
    expect(result.unimportable).toBe(1);
    expect(result.imported).toBeGreaterThan(0);
  });
});
