import { randomBytes } from 'node:crypto';

import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';

import { audit } from '~/platform/audit.server';
import { getDb, isUniqueViolation } from '~/platform/db.server';
import { getEnv } from '~/platform/env.server';
import { MINIMUM_CHARGE } from '~/platform/money';
import type { Actor } from '~/platform/permissions';
import { getStripe } from '~/platform/stripe.server';

import { type AttemptStatus, invoices, paymentAttempts, users } from '../../db/schema';
import { INVOICE_DECLINE_LIMIT, invoiceLockedUntil } from './card-testing.server';
import { type Attempt, type CardDetails, cardDetails, outcomeFromError, outcomeFromIntent, type OutcomeSource, recordOutcome } from './outcomes.server';

// The charge, top to bottom: key the attempt, commit it as pending, send it to Stripe, record the answer.

/** A fresh, unguessable key embedded in the terminal page; it becomes the attempt's Stripe idempotency key. */
export function newAttemptKey() {
  return `keyed_${randomBytes(18).toString('base64url')}`;
}

export const ATTEMPT_KEY_PATTERN = /^keyed_[A-Za-z0-9_-]{24}$/;

export type ChargeRefusal = 'invoice_not_found' | 'invoice_not_open' | 'invoice_busy' | 'invoice_locked' | 'staff_paused' | 'below_minimum' | 'stale_form';

export type ChargeResult = { ok: true; attemptId: number } | { ok: false; reason: ChargeRefusal; params?: Record<string, string | number> };

/**
 * Charges an invoice's stored amount. The browser supplies only the invoice, a PaymentMethod id and the
 * attempt key from the page; the amount and currency come from the database row.
 */
export async function chargeInvoice(input: { invoiceId: number; paymentMethodId: string; attemptKey: string }, actor: Actor): Promise<ChargeResult> {
  // The same key again (double click, resubmitted form, network retry) is the same attempt, never a second charge.
  const replay = findAttemptByKey(input);
  if (replay) return replay;

  let started: ChargeResult;
  try {
    started = startAttempt(input, actor);
  } catch (error) {
    // Another process won the race for this key or this invoice: answer as if we had lost it in the check.
    if (!isUniqueViolation(error)) throw error;
    started = findAttemptByKey(input) ?? { ok: false, reason: 'invoice_busy' };
  }
  if (!started.ok) return started;
  // Committed as pending before any network call: a crash from here on leaves a row the reconciler settles.
  await sendAttempt(started.attemptId);
  return started;
}

function findAttemptByKey(input: { invoiceId: number; attemptKey: string }): ChargeResult | null {
  const existing = getDb()
    .select({ id: paymentAttempts.id, invoiceId: paymentAttempts.invoiceId })
    .from(paymentAttempts)
    .where(eq(paymentAttempts.idempotencyKey, input.attemptKey))
    .get();
  if (!existing) return null;
  if (existing.invoiceId !== input.invoiceId) return { ok: false, reason: 'stale_form' };
  return { ok: true, attemptId: existing.id };
}

function startAttempt(input: { invoiceId: number; paymentMethodId: string; attemptKey: string }, actor: Actor): ChargeResult {
  const db = getDb();
  return db.transaction(
    (tx): ChargeResult => {
      const user = tx.select({ pausedAt: users.chargingPausedAt }).from(users).where(eq(users.id, actor.id)).get();
      if (user?.pausedAt) return { ok: false, reason: 'staff_paused' };
      const invoice = tx.select().from(invoices).where(eq(invoices.id, input.invoiceId)).get();
      if (!invoice) return { ok: false, reason: 'invoice_not_found' };
      if (invoice.status === 'processing') return { ok: false, reason: 'invoice_busy' };
      if (invoice.status !== 'open') return { ok: false, reason: 'invoice_not_open', params: { status: invoice.status } };
      if (invoice.amount < MINIMUM_CHARGE[invoice.currency]) {
        return { ok: false, reason: 'below_minimum', params: { minimum: MINIMUM_CHARGE[invoice.currency], currency: invoice.currency } };
      }
      const lockedUntil = invoiceLockedUntil(tx, invoice.id);
      if (lockedUntil > Date.now()) {
        return { ok: false, reason: 'invoice_locked', params: { declines: INVOICE_DECLINE_LIMIT, minutes: Math.ceil((lockedUntil - Date.now()) / 60_000) } };
      }
      const now = Date.now();
      const attempt = tx
        .insert(paymentAttempts)
        .values({
          invoiceId: invoice.id,
          userId: actor.id,
          idempotencyKey: input.attemptKey,
          amount: invoice.amount,
          currency: invoice.currency,
          status: 'pending',
          paymentMethodId: input.paymentMethodId,
          receiptEmail: invoice.customerEmail,
          createdAt: now,
        })
        .returning({ id: paymentAttempts.id })
        .get();
      tx.update(invoices).set({ status: 'processing', updatedAt: now }).where(eq(invoices.id, invoice.id)).run();
      audit(
        {
          actorUserId: actor.id,
          action: 'charge.attempted',
          subjectType: 'payment_attempt',
          subjectId: attempt.id,
          ip: actor.ip,
          details: { invoiceId: invoice.id, amount: invoice.amount, currency: invoice.currency },
        },
        tx,
      );
      return { ok: true, attemptId: attempt.id };
    },
    { behavior: 'immediate' },
  );
}

// Attempts this process is sending right now; the reconciler leaves them alone.
const inFlight = new Set<number>();

export function isInFlight(attemptId: number) {
  return inFlight.has(attemptId);
}

/** Resolves true once no attempt is being sent, or false at the deadline (shutdown waits here, bounded). */
export async function waitForInFlightCharges(timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (inFlight.size > 0) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

/**
 * Sends (or re-sends) an attempt to Stripe and records the answer. Every call builds the identical
 * request from the stored row with the stored key, so Stripe replays rather than charging twice.
 */
export async function sendAttempt(attemptId: number, source: OutcomeSource = 'api'): Promise<AttemptStatus> {
  if (inFlight.has(attemptId)) return 'pending';
  inFlight.add(attemptId);
  try {
    const attempt = getDb().select().from(paymentAttempts).where(eq(paymentAttempts.id, attemptId)).get();
    if (!attempt) throw new Error(`payment attempt ${attemptId} not found`);
    if (attempt.status !== 'pending' && attempt.status !== 'unknown') return attempt.status;
    const invoice = getDb().select({ number: invoices.number }).from(invoices).where(eq(invoices.id, attempt.invoiceId)).get()!;
    const stripe = getStripe();

    // Checks that may refuse to charge run only before the request has ever left: once it may have reached
    // Stripe, the only safe move is the identical request again (a lost "succeeded" must never become "blocked").
    let card: CardDetails | undefined;
    if (attempt.sentAt === null) {
      let paymentMethod: Stripe.PaymentMethod;
      try {
        paymentMethod = await stripe.paymentMethods.retrieve(attempt.paymentMethodId);
      } catch (error) {
        // No charge was requested yet: an unusable PaymentMethod is a plain failure, an unreachable Stripe stays unsettled.
        return recordOutcome(attemptId, outcomeFromError(error), source);
      }
      card = cardDetails(paymentMethod);
      const allowed = getEnv().ALLOWED_CARD_COUNTRIES ?? [];
      if (allowed.length > 0 && (!card.cardCountry || !allowed.includes(card.cardCountry))) {
        return recordOutcome(
          attemptId,
          {
            status: 'blocked',
            card,
            failureCode: 'country_not_allowed',
            failureMessage: `Card country ${card.cardCountry ?? 'unknown'} is not in ALLOWED_CARD_COUNTRIES (${allowed.join(',')}).`,
          },
          source,
        );
      }
      // Committed before the request: a crash after this line is settled by re-sending, never by re-checking.
      getDb()
        .update(paymentAttempts)
        .set({ sentAt: Date.now(), ...card })
        .where(eq(paymentAttempts.id, attemptId))
        .run();
    }

    try {
      const intent = await stripe.paymentIntents.create(paymentIntentParams(attempt, invoice.number), { idempotencyKey: attempt.idempotencyKey });
      return recordOutcome(attemptId, outcomeFromIntent(intent, card), source);
    } catch (error) {
      return recordOutcome(attemptId, { ...outcomeFromError(error), card }, source);
    }
  } finally {
    inFlight.delete(attemptId);
  }
}

/** Everything in the request is derived from the stored attempt, so a re-send is byte-for-byte the same request. */
function paymentIntentParams(attempt: Attempt, invoiceNumber: string): Stripe.PaymentIntentCreateParams {
  return {
    amount: attempt.amount,
    currency: attempt.currency,
    payment_method: attempt.paymentMethodId,
    // API 2026-10-28.endive (stripe 23) renamed payment_method_types to allowed_payment_method_types.
    allowed_payment_method_types: ['card'],
    confirm: true,
    error_on_requires_action: true,
    description: `Invoice ${invoiceNumber}`,
    ...(attempt.receiptEmail ? { receipt_email: attempt.receiptEmail } : {}),
    metadata: { invoice_id: String(attempt.invoiceId), attempt_id: String(attempt.id), user_id: String(attempt.userId) },
  };
}
