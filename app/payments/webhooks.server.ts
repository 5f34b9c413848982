import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';

import { getDb } from '~/platform/db.server';
import { getStripe, getWebhookSecret } from '~/platform/stripe.server';
import { recordDispute } from '~/refunds/disputes.server';
import { recordChargeRefunded, recordStripeRefund } from '~/refunds/stripe-refunds.server';

import { paymentAttempts, webhookEvents } from '../../db/schema';
import { outcomeFromIntent, recordOutcome } from './outcomes.server';

export type WebhookResult = { status: 200 | 400 | 500; body: string };

/**
 * Verifies the signature over the raw body, ignores an event id seen before, and applies what it says.
 * State only moves forward (recordOutcome refuses to change a settled attempt).
 */
export function handleStripeWebhook(rawBody: string, signature: string | null): WebhookResult {
  const secret = getWebhookSecret();
  if (!secret || !signature) return { status: 400, body: 'Missing signature' };
  let event: Stripe.Event;
  try {
    event = getStripe().webhooks.constructEvent(rawBody, signature, secret);
  } catch {
    return { status: 400, body: 'Invalid signature' };
  }
  const db = getDb();
  // Only a fully applied event is a duplicate. One recorded but not applied (the process died in between)
  // is applied again when Stripe retries it: applying is forward-only and deduplicated, so that is safe.
  const seen = db.select({ processedAt: webhookEvents.processedAt }).from(webhookEvents).where(eq(webhookEvents.id, event.id)).get();
  if (seen?.processedAt) return { status: 200, body: 'Already processed' };
  if (!seen)
    db.insert(webhookEvents)
      .values({ id: event.id, type: event.type, receivedAt: Date.now(), objectId: eventObjectId(event) })
      .run();
  try {
    applyEvent(event);
  } catch (error) {
    // Forget the id so Stripe's retry of this event is applied rather than skipped as a duplicate.
    db.delete(webhookEvents).where(eq(webhookEvents.id, event.id)).run();
    console.error(`webhook ${event.id} (${event.type}) failed:`, error instanceof Error ? error.message : String(error));
    return { status: 500, body: 'Processing failed' };
  }
  db.update(webhookEvents).set({ processedAt: Date.now() }).where(eq(webhookEvents.id, event.id)).run();
  return { status: 200, body: 'OK' };
}

function attemptIdFor(intent: Stripe.PaymentIntent): number | null {
  const fromMetadata = Number(intent.metadata?.attempt_id);
  if (Number.isSafeInteger(fromMetadata) && fromMetadata > 0) {
    const row = getDb()
      .select({ id: paymentAttempts.id, key: paymentAttempts.stripePaymentIntentId })
      .from(paymentAttempts)
      .where(eq(paymentAttempts.id, fromMetadata))
      .get();
    // Metadata is ours, but check it against the intent id when we already know it.
    if (row && (!row.key || row.key === intent.id)) return row.id;
  }
  const byIntent = getDb().select({ id: paymentAttempts.id }).from(paymentAttempts).where(eq(paymentAttempts.stripePaymentIntentId, intent.id)).get();
  return byIntent?.id ?? null;
}

function applyEvent(event: Stripe.Event) {
  switch (event.type) {
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed':
    case 'payment_intent.canceled': {
      const intent = event.data.object;
      const attemptId = attemptIdFor(intent);
      if (attemptId) recordOutcome(attemptId, outcomeFromIntent(intent), 'webhook');
      return;
    }
    // Refunds made in Keyed settle here too; those made in Stripe's Dashboard appear (deduplicated by refund id).
    case 'refund.created':
    case 'refund.updated':
    case 'refund.failed':
      recordStripeRefund(event.data.object, 'webhook');
      return;
    case 'charge.refunded':
      recordChargeRefunded(event.data.object);
      return;
    case 'charge.dispute.created':
    case 'charge.dispute.updated':
    case 'charge.dispute.closed':
      recordDispute(event.data.object);
      return;
    default:
      // Other events are recorded as received and otherwise ignored.
      return;
  }
}

/** The id of the object an event is about (pi_…, ch_…, re_…, dp_…), so a charge's timeline can list its webhooks. */
function eventObjectId(event: Stripe.Event): string | null {
  const id = (event.data.object as { id?: unknown }).id;
  return typeof id === 'string' ? id : null;
}
