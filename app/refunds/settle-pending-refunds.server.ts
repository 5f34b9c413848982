import { and, eq, isNull, sql } from 'drizzle-orm';

import { getDb } from '~/platform/db.server';
import { getStripe, STRIPE_IDEMPOTENCY_RESEND_WINDOW_MS } from '~/platform/stripe.server';

import { paymentAttempts, refunds } from '../../db/schema';
import { failRefund, sendRefund } from './refund-charge.server';
import { recordStripeRefund } from './stripe-refunds.server';

// Refunds whose answer never came.

/**
 * Settles refunds still pending without a Stripe id (the answer was lost and nobody resubmitted the form).
 * Looks first: a refund Stripe made carries our refund_id in its metadata and is recorded as is. Otherwise,
 * inside Stripe's idempotency window, the identical request is sent again; past it, the refund never
 * reached Stripe and is marked failed, freeing the reserved amount. For the reconciler to run now and then.
 */
export async function settlePendingRefunds({ olderThanMs = 60_000, now = Date.now() }: { olderThanMs?: number; now?: number } = {}) {
  const db = getDb();
  const stuck = db
    .select({ id: refunds.id, attemptId: refunds.attemptId, createdAt: refunds.createdAt, pi: paymentAttempts.stripePaymentIntentId })
    .from(refunds)
    .innerJoin(paymentAttempts, eq(paymentAttempts.id, refunds.attemptId))
    .where(and(eq(refunds.status, 'pending'), isNull(refunds.stripeRefundId), sql`${refunds.createdAt} <= ${now - olderThanMs}`))
    .all();
  const settled: { refundId: number; outcome: 'found' | 'resent' | 'failed' | 'still_pending' }[] = [];
  for (const refund of stuck) {
    try {
      const atStripe = await getStripe().refunds.list({ payment_intent: refund.pi!, limit: 100 });
      const found = atStripe.data.find((r) => r.metadata?.refund_id === String(refund.id));
      if (found) {
        recordStripeRefund(found, 'api');
        settled.push({ refundId: refund.id, outcome: 'found' });
      } else if (now - refund.createdAt < STRIPE_IDEMPOTENCY_RESEND_WINDOW_MS) {
        const result = await sendRefund(refund.id);
        settled.push({ refundId: refund.id, outcome: result.ok && result.status === 'pending' ? 'still_pending' : 'resent' });
      } else {
        failRefund(refund.id, 'not_sent');
        settled.push({ refundId: refund.id, outcome: 'failed' });
      }
    } catch {
      // Stripe unreachable: try again on the next run.
      settled.push({ refundId: refund.id, outcome: 'still_pending' });
    }
  }
  return settled;
}
