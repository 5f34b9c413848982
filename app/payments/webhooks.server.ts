import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';

import { audit } from '~/platform/audit.server';
import { getDb } from '~/platform/db.server';
import { getLogger } from '~/platform/logger.server';
import { getMetrics } from '~/platform/metrics.server';
import { getStripe, getWebhookSecret } from '~/platform/stripe.server';
import { recordDispute } from '~/refunds/disputes.server';
import { recordChargeRefunded, recordStripeRefund } from '~/refunds/stripe-refunds.server';

import { paymentAttempts, webhookEvents } from '../../db/schema';
import { outcomeFromIntent, recordOutcome } from './outcomes.server';

export type WebhookResult = { status: 200 | 400 | 500; body: string };

// Stripe's own default tolerance: a signature older than five minutes is a replay. One dated as far ahead is refused
// too (the SDK only checks age), so a captured signature cannot be stamped for later use.
const SIGNATURE_TOLERANCE_SECONDS = 300;

function signatureTimestamp(header: string): number | null {
  const match = /(?:^|,)\s*t=(\d{1,12})(?:,|$)/.exec(header);
  return match ? Number(match[1]) : null;
}

/**
 * Verifies the signature over the raw body, ignores an event id seen before, and applies what it says.
 * State only moves forward (recordOutcome refuses to change a settled attempt).
 */
export function handleStripeWebhook(rawBody: string, signature: string | null, now = Date.now()): WebhookResult {
  const secret = getWebhookSecret();
  if (!secret || !signature) return { status: 400, body: 'Missing signature' };
  const timestamp = signatureTimestamp(signature);
  if (timestamp === null || timestamp - Math.floor(now / 1000) > SIGNATURE_TOLERANCE_SECONDS) return { status: 400, body: 'Invalid signature' };
  let event: Stripe.Event;
  try {
    event = getStripe().webhooks.constructEvent(rawBody, signature, secret, SIGNATURE_TOLERANCE_SECONDS);
  } catch {
    return { status: 400, body: 'Invalid signature' };
  }
  // Signed is not the same as well-formed: every event Keyed acts on carries an object with an id.
  const object: unknown = (event as { data?: { object?: unknown } }).data?.object;
  if (typeof event.id !== 'string' || typeof event.type !== 'string' || typeof object !== 'object' || object === null) {
    return { status: 400, body: 'Malformed event' };
  }
  // How long Stripe took to tell us (retries included): a growing lag means settlements by webhook arrive late.
  getMetrics().webhookLag.observe({ type: event.type }, Math.max(0, Date.now() / 1000 - event.created));
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
    getLogger().error({ err: error, eventId: event.id, eventType: event.type }, 'webhook failed; Stripe will retry it');
    return { status: 500, body: 'Processing failed' };
  }
  db.update(webhookEvents).set({ processedAt: Date.now() }).where(eq(webhookEvents.id, event.id)).run();
  return { status: 200, body: 'OK' };
}

type AttemptMatch = { id: number; stripePaymentIntentId: string | null; amount: number; currency: string };

/** The attempt an intent is about: by its Stripe id, else by the attempt id in our metadata. */
function attemptFor(intent: Stripe.PaymentIntent): AttemptMatch | null {
  const columns = {
    id: paymentAttempts.id,
    stripePaymentIntentId: paymentAttempts.stripePaymentIntentId,
    amount: paymentAttempts.amount,
    currency: paymentAttempts.currency,
  };
  const byIntent = getDb().select(columns).from(paymentAttempts).where(eq(paymentAttempts.stripePaymentIntentId, intent.id)).get();
  if (byIntent) return byIntent;
  const fromMetadata = Number(intent.metadata?.attempt_id);
  if (!Number.isSafeInteger(fromMetadata) || fromMetadata <= 0) return null;
  return getDb().select(columns).from(paymentAttempts).where(eq(paymentAttempts.id, fromMetadata)).get() ?? null;
}

/**
 * What in the intent disagrees with the attempt it claims to settle. Metadata can be copied onto any
 * PaymentIntent (a 1¢ one, in another currency), so the intent must be the attempt's own, for its amount.
 */
function mismatches(attempt: AttemptMatch, intent: Stripe.PaymentIntent): string[] {
  const found: string[] = [];
  if (attempt.stripePaymentIntentId && attempt.stripePaymentIntentId !== intent.id) found.push('payment_intent');
  if (intent.amount !== attempt.amount) found.push('amount');
  if (String(intent.currency).toLowerCase() !== attempt.currency) found.push('currency');
  return found;
}

/** Not applied: the attempt is flagged for a person (shown on its charge page) and the event audited. */
function flagMismatch(attempt: AttemptMatch, intent: Stripe.PaymentIntent, event: Stripe.Event, found: string[]) {
  getDb().transaction((tx) => {
    tx.update(paymentAttempts).set({ needsAttentionAt: Date.now(), attentionReason: 'webhook_mismatch' }).where(eq(paymentAttempts.id, attempt.id)).run();
    audit(
      {
        actorUserId: null,
        action: 'charge.webhook_mismatch',
        subjectType: 'payment_attempt',
        subjectId: attempt.id,
        details: {
          event: event.id,
          type: event.type,
          mismatches: found,
          paymentIntent: String(intent.id).slice(0, 255),
          reportedAmount: typeof intent.amount === 'number' ? intent.amount : null,
          reportedCurrency: String(intent.currency).slice(0, 10),
          expectedPaymentIntent: attempt.stripePaymentIntentId,
          expectedAmount: attempt.amount,
          expectedCurrency: attempt.currency,
        },
      },
      tx,
    );
  });
}

function applyEvent(event: Stripe.Event) {
  switch (event.type) {
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed':
    case 'payment_intent.canceled': {
      const intent = event.data.object;
      const attempt = attemptFor(intent);
      if (!attempt) return;
      const found = mismatches(attempt, intent);
      if (found.length > 0) flagMismatch(attempt, intent, event, found);
      else recordOutcome(attempt.id, outcomeFromIntent(intent), 'webhook');
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
