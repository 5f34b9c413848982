import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';

import { audit } from '~/platform/audit.server';
import { getDb } from '~/platform/db.server';

import { paymentAttempts } from '../../db/schema';
import { attemptForStripe, objectId } from './stripe-refunds.server';

// ——— disputes ———

/** `charge.dispute.created` / `.updated` / `.closed`: the dispute is shown on the charge; recorded once, then kept current. */
export function recordDispute(dispute: Stripe.Dispute) {
  getDb().transaction(
    (tx) => {
      const attempt = attemptForStripe({ chargeId: objectId(dispute.charge), paymentIntentId: objectId(dispute.payment_intent) }, tx);
      if (!attempt) return;
      const current = tx
        .select({ disputeId: paymentAttempts.stripeDisputeId, status: paymentAttempts.disputeStatus })
        .from(paymentAttempts)
        .where(eq(paymentAttempts.id, attempt.id))
        .get()!;
      if (current.disputeId === dispute.id && current.status === dispute.status) return;
      tx.update(paymentAttempts)
        .set({
          stripeDisputeId: dispute.id,
          disputeStatus: dispute.status,
          disputeReason: dispute.reason,
          disputeAmount: dispute.amount,
          ...(current.disputeId ? {} : { disputedAt: (dispute.created ?? Math.floor(Date.now() / 1000)) * 1000 }),
        })
        .where(eq(paymentAttempts.id, attempt.id))
        .run();
      audit(
        {
          actorUserId: null,
          action: current.disputeId ? 'charge.dispute_updated' : 'charge.disputed',
          subjectType: 'payment_attempt',
          subjectId: attempt.id,
          details: { dispute: dispute.id, status: dispute.status, reason: dispute.reason, amount: dispute.amount, currency: attempt.currency },
        },
        tx,
      );
    },
    { behavior: 'immediate' },
  );
}

// ——— the finance dashboard ———
