import { and, eq, inArray, sql } from 'drizzle-orm';
import type Stripe from 'stripe';

import { audit } from '~/platform/audit.server';
import { getDb, type Tx } from '~/platform/db.server';
import { getMetrics } from '~/platform/metrics.server';
import { isStripeError } from '~/platform/stripe.server';
import { addToRollup } from '~/reports/rollup.server';

import { type AttemptStatus, invoices, paymentAttempts } from '../../db/schema';
import { pauseStaffAfterManyDeclines } from './card-testing.server';

export type Attempt = typeof paymentAttempts.$inferSelect;

export type CardDetails = Pick<Attempt, 'cardBrand' | 'cardLast4' | 'cardCountry' | 'cardExpMonth' | 'cardExpYear' | 'cardFunding'>;

export function cardDetails(pm: Stripe.PaymentMethod | null | undefined): CardDetails {
  const card = pm?.card;
  return {
    cardBrand: card?.brand ?? null,
    cardLast4: card?.last4 ?? null,
    cardCountry: card?.country ?? null,
    cardExpMonth: card?.exp_month ?? null,
    cardExpYear: card?.exp_year ?? null,
    cardFunding: card?.funding ?? null,
  };
}

export type Outcome = {
  status: 'succeeded' | 'failed' | 'blocked' | 'unknown';
  card?: CardDetails;
  paymentIntentId?: string | null;
  chargeId?: string | null;
  failureCode?: string | null;
  declineCode?: string | null;
  failureMessage?: string | null;
};

export function outcomeFromIntent(intent: Stripe.PaymentIntent, card?: CardDetails): Outcome {
  const chargeId = typeof intent.latest_charge === 'string' ? intent.latest_charge : (intent.latest_charge?.id ?? null);
  const base = { paymentIntentId: intent.id, chargeId, card };
  if (intent.status === 'succeeded') return { ...base, status: 'succeeded' };
  if (intent.status === 'requires_payment_method' || intent.status === 'canceled') {
    const error = intent.last_payment_error;
    return {
      ...base,
      status: 'failed',
      failureCode: error?.code ?? (intent.status === 'canceled' ? 'canceled' : 'payment_failed'),
      declineCode: error?.decline_code ?? null,
      failureMessage: error?.message ?? null,
    };
  }
  // processing / requires_action / requires_capture: not final for this integration; the reconciler and webhooks settle it.
  return { ...base, status: 'unknown' };
}

/** Card errors and invalid requests are definite failures; silence, 5xx, 429 and 409 mean "ask again later". */
export function outcomeFromError(error: unknown): Outcome {
  if (isStripeError(error)) {
    const definite = error.type === 'StripeCardError' || (error.type === 'StripeInvalidRequestError' && (error.statusCode ?? 0) < 500);
    if (definite) {
      const intent = error.payment_intent;
      const chargeId = intent ? (typeof intent.latest_charge === 'string' ? intent.latest_charge : (intent.latest_charge?.id ?? null)) : (error.charge ?? null);
      return {
        status: 'failed',
        paymentIntentId: intent?.id ?? null,
        chargeId,
        failureCode: error.code ?? 'card_declined',
        declineCode: error.decline_code ?? null,
        failureMessage: error.message,
      };
    }
  }
  return { status: 'unknown' };
}

export type OutcomeSource = 'api' | 'reconciler' | 'webhook';

/**
 * Records an answer in one transaction. State only moves forward: a settled attempt is never changed
 * (a contradicting answer is flagged instead), and "unknown" only ever replaces pending or unknown.
 */
export function recordOutcome(attemptId: number, outcome: Outcome, source: OutcomeSource): AttemptStatus {
  const db = getDb();
  // Counted once the transaction has committed, and only for a change of state (a replayed answer is not a charge).
  let transition: Outcome['status'] | null = null;
  const status = db.transaction(
    (tx) => {
      const attempt = tx.select().from(paymentAttempts).where(eq(paymentAttempts.id, attemptId)).get();
      if (!attempt) throw new Error(`payment attempt ${attemptId} not found`);
      if (attempt.status !== 'pending' && attempt.status !== 'unknown') {
        // Settled states never change, but a definite answer that contradicts one is money a person must look at.
        if (outcome.status !== 'unknown' && outcome.status !== attempt.status) flagConflict(tx, attempt, outcome, source);
        return attempt.status;
      }
      const now = Date.now();
      const card = outcome.card ?? {};
      const common = {
        ...card,
        stripePaymentIntentId: outcome.paymentIntentId ?? attempt.stripePaymentIntentId,
        stripeChargeId: outcome.chargeId ?? attempt.stripeChargeId,
      };
      if (outcome.status === 'unknown') {
        tx.update(paymentAttempts)
          .set({ ...common, status: 'unknown', reconcileAttempts: attempt.reconcileAttempts + (source === 'reconciler' ? 1 : 0) })
          .where(eq(paymentAttempts.id, attemptId))
          .run();
        if (attempt.status === 'pending') {
          audit({ actorUserId: attempt.userId, action: 'charge.unknown', subjectType: 'payment_attempt', subjectId: attemptId, details: { source } }, tx);
          transition = 'unknown';
        }
        return 'unknown';
      }
      tx.update(paymentAttempts)
        .set({
          ...common,
          status: outcome.status,
          failureCode: outcome.failureCode ?? null,
          declineCode: outcome.declineCode ?? null,
          failureMessage: outcome.failureMessage ?? null,
          settledAt: now,
          needsAttentionAt: null,
        })
        .where(eq(paymentAttempts.id, attemptId))
        .run();
      addToRollup(tx, { ...attempt, ...card, status: outcome.status, failureCode: outcome.failureCode ?? null, declineCode: outcome.declineCode ?? null });
      if (outcome.status === 'succeeded') {
        tx.update(invoices)
          .set({ status: 'paid', paidAt: now, updatedAt: now })
          .where(and(eq(invoices.id, attempt.invoiceId), inArray(invoices.status, ['processing', 'open'])))
          .run();
      } else {
        // The invoice can be charged again (with another card) unless something else settled it meanwhile.
        tx.update(invoices)
          .set({ status: 'open', updatedAt: now })
          .where(and(eq(invoices.id, attempt.invoiceId), eq(invoices.status, 'processing')))
          .run();
      }
      audit(
        {
          actorUserId: attempt.userId,
          action: `charge.${outcome.status}`,
          subjectType: 'payment_attempt',
          subjectId: attemptId,
          details: {
            source,
            invoiceId: attempt.invoiceId,
            amount: attempt.amount,
            currency: attempt.currency,
            paymentIntent: common.stripePaymentIntentId,
            failureCode: outcome.failureCode ?? undefined,
            declineCode: outcome.declineCode ?? undefined,
          },
        },
        tx,
      );
      if (outcome.status === 'failed') pauseStaffAfterManyDeclines(tx, attempt.userId, now);
      transition = outcome.status;
      return outcome.status;
    },
    { behavior: 'immediate' },
  );
  if (transition) getMetrics().charges.inc({ outcome: transition, source });
  return status;
}

function flagConflict(tx: Tx, attempt: Attempt, outcome: Outcome, source: OutcomeSource) {
  const flagged = tx
    .update(paymentAttempts)
    .set({ needsAttentionAt: Date.now() })
    .where(and(eq(paymentAttempts.id, attempt.id), sql`${paymentAttempts.needsAttentionAt} is null`))
    .run();
  if (flagged.changes > 0) {
    audit(
      {
        actorUserId: null,
        action: 'charge.outcome_conflict',
        subjectType: 'payment_attempt',
        subjectId: attempt.id,
        details: { source, recorded: attempt.status, reported: outcome.status, paymentIntent: outcome.paymentIntentId ?? undefined },
      },
      tx,
    );
  }
}
