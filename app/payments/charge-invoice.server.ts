import { randomBytes } from 'node:crypto';

import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import type Stripe from 'stripe';

import { audit } from '~/platform/audit.server';
import { getDb, isUniqueViolation, likePattern } from '~/platform/db.server';
import { getEnv } from '~/platform/env.server';
import { MINIMUM_CHARGE } from '~/platform/money';
import { getStripe, isStripeError } from '~/platform/stripe.server';
import { addToRollup } from '~/reports/rollup.server';

import { type AttemptStatus, invoices, paymentAttempts, users } from '../../db/schema';

// Card-testing defence: a person with this many declines in the window is paused until a manager resumes them…
export const STAFF_DECLINE_LIMIT = 10;
export const STAFF_DECLINE_WINDOW_MS = 15 * 60_000;
// …and an invoice with this many declines is locked for a while, whoever is keying.
export const INVOICE_DECLINE_LIMIT = 5;
export const INVOICE_LOCK_MS = 30 * 60_000;

type Actor = { id: number; ip?: string | null };
type Attempt = typeof paymentAttempts.$inferSelect;

/** A fresh, unguessable key embedded in the terminal page; it becomes the attempt's Stripe idempotency key. */
export function newAttemptKey() {
  return `keyed_${randomBytes(18).toString('base64url')}`;
}

export const ATTEMPT_KEY_PATTERN = /^keyed_[A-Za-z0-9_-]{24}$/;

export function getInvoiceForCharge({ id }: { id: number }) {
  return (
    getDb()
      .select({
        id: invoices.id,
        number: invoices.number,
        customerName: invoices.customerName,
        customerEmail: invoices.customerEmail,
        customerPhone: invoices.customerPhone,
        description: invoices.description,
        amount: invoices.amount,
        currency: invoices.currency,
        status: invoices.status,
      })
      .from(invoices)
      .where(eq(invoices.id, id))
      .get() ?? null
  );
}

export function listChargeableInvoices({ q }: { q?: string }) {
  const pattern = q ? likePattern(q) : null;
  return getDb()
    .select({ id: invoices.id, number: invoices.number, customerName: invoices.customerName, amount: invoices.amount, currency: invoices.currency })
    .from(invoices)
    .where(
      and(
        eq(invoices.status, 'open'),
        pattern
          ? sql`(${invoices.number} like ${pattern} escape '\\' or ${invoices.customerName} like ${pattern} escape '\\' or ${invoices.customerEmail} like ${pattern} escape '\\' or cast(${invoices.amount} / 100 as text) like ${pattern} escape '\\')`
          : undefined,
      ),
    )
    .orderBy(desc(invoices.createdAt), desc(invoices.id))
    .limit(50)
    .all();
}

export type ChargeOutcome =
  | { kind: 'attempt'; attemptId: number }
  | {
      kind: 'refused';
      reason: 'invoice_not_found' | 'invoice_not_open' | 'invoice_busy' | 'invoice_locked' | 'staff_paused' | 'below_minimum' | 'stale_form';
      /** A translation key and its parameters: the route words it in the user's language. */
      message: { key: string; params?: Record<string, string | number> };
    };

/**
 * Charges an invoice's stored amount. The browser supplies only the invoice, a PaymentMethod id and the
 * attempt key from the page; the amount and currency come from the database row.
 */
export async function chargeInvoice(input: { invoiceId: number; paymentMethodId: string; attemptKey: string }, actor: Actor): Promise<ChargeOutcome> {
  // The same key again (double click, resubmitted form, network retry) is the same attempt, never a second charge.
  const replay = findAttemptByKey(input);
  if (replay) return replay;

  let started: ChargeOutcome;
  try {
    started = startAttempt(input, actor);
  } catch (error) {
    // Another process won the race for this key or this invoice: answer as if we had lost it in the check.
    if (!isUniqueViolation(error)) throw error;
    started = findAttemptByKey(input) ?? { kind: 'refused', reason: 'invoice_busy', message: { key: 'payment.refused.busy' } };
  }
  if (started.kind !== 'attempt') return started;
  // Committed as pending before any network call: a crash from here on leaves a row the reconciler settles.
  await sendAttempt(started.attemptId);
  return started;
}

function findAttemptByKey(input: { invoiceId: number; attemptKey: string }): ChargeOutcome | null {
  const existing = getDb()
    .select({ id: paymentAttempts.id, invoiceId: paymentAttempts.invoiceId })
    .from(paymentAttempts)
    .where(eq(paymentAttempts.idempotencyKey, input.attemptKey))
    .get();
  if (!existing) return null;
  if (existing.invoiceId !== input.invoiceId) return { kind: 'refused', reason: 'stale_form', message: { key: 'payment.refused.staleForm' } };
  return { kind: 'attempt', attemptId: existing.id };
}

function startAttempt(input: { invoiceId: number; paymentMethodId: string; attemptKey: string }, actor: Actor): ChargeOutcome {
  const db = getDb();
  return db.transaction(
    (tx): ChargeOutcome => {
      const user = tx.select({ pausedAt: users.chargingPausedAt }).from(users).where(eq(users.id, actor.id)).get();
      if (user?.pausedAt) {
        return { kind: 'refused', reason: 'staff_paused', message: { key: 'payment.refused.paused' } };
      }
      const invoice = tx.select().from(invoices).where(eq(invoices.id, input.invoiceId)).get();
      if (!invoice) return { kind: 'refused', reason: 'invoice_not_found', message: { key: 'errors.notFound.title' } };
      if (invoice.status === 'processing') {
        return { kind: 'refused', reason: 'invoice_busy', message: { key: 'payment.refused.busy' } };
      }
      if (invoice.status !== 'open') {
        return { kind: 'refused', reason: 'invoice_not_open', message: { key: 'payment.refused.notOpen', params: { status: invoice.status } } };
      }
      if (invoice.amount < MINIMUM_CHARGE[invoice.currency]) {
        return {
          kind: 'refused',
          reason: 'below_minimum',
          message: { key: 'payment.refused.belowMinimum', params: { minimum: MINIMUM_CHARGE[invoice.currency], currency: invoice.currency } },
        };
      }
      const lockedUntil = invoiceLockedUntil(tx, invoice.id);
      if (lockedUntil > Date.now()) {
        const minutes = Math.ceil((lockedUntil - Date.now()) / 60_000);
        return {
          kind: 'refused',
          reason: 'invoice_locked',
          message: { key: 'payment.refused.locked', params: { declines: INVOICE_DECLINE_LIMIT, count: minutes } },
        };
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
      return { kind: 'attempt', attemptId: attempt.id };
    },
    { behavior: 'immediate' },
  );
}

function invoiceLockedUntil(tx: Pick<ReturnType<typeof getDb>, 'select'>, invoiceId: number) {
  const recentFailures = tx
    .select({ createdAt: paymentAttempts.createdAt })
    .from(paymentAttempts)
    .where(and(eq(paymentAttempts.invoiceId, invoiceId), eq(paymentAttempts.status, 'failed'), gte(paymentAttempts.createdAt, Date.now() - INVOICE_LOCK_MS)))
    .orderBy(desc(paymentAttempts.createdAt))
    .limit(INVOICE_DECLINE_LIMIT)
    .all();
  if (recentFailures.length < INVOICE_DECLINE_LIMIT) return 0;
  return recentFailures[INVOICE_DECLINE_LIMIT - 1]!.createdAt + INVOICE_LOCK_MS;
}

// Attempts this process is sending right now; the reconciler leaves them alone.
const inFlight = new Set<number>();

export function isInFlight(attemptId: number) {
  return inFlight.has(attemptId);
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
export function paymentIntentParams(attempt: Attempt, invoiceNumber: string): Stripe.PaymentIntentCreateParams {
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

type CardDetails = Pick<Attempt, 'cardBrand' | 'cardLast4' | 'cardCountry' | 'cardExpMonth' | 'cardExpYear' | 'cardFunding'>;

function cardDetails(pm: Stripe.PaymentMethod | null | undefined): CardDetails {
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
  return db.transaction(
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
      return outcome.status;
    },
    { behavior: 'immediate' },
  );
}

type Tx = Parameters<Parameters<ReturnType<typeof getDb>['transaction']>[0]>[0];

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

function pauseStaffAfterManyDeclines(tx: Tx, userId: number, now: number) {
  const row = tx
    .select({ n: sql<number>`count(*)` })
    .from(paymentAttempts)
    .where(and(eq(paymentAttempts.userId, userId), eq(paymentAttempts.status, 'failed'), gte(paymentAttempts.createdAt, now - STAFF_DECLINE_WINDOW_MS)))
    .get();
  if ((row?.n ?? 0) < STAFF_DECLINE_LIMIT) return;
  const paused = tx
    .update(users)
    .set({ chargingPausedAt: now })
    .where(and(eq(users.id, userId), sql`${users.chargingPausedAt} is null`))
    .run();
  if (paused.changes > 0) {
    audit(
      {
        actorUserId: null,
        action: 'user.charging_paused',
        subjectType: 'user',
        subjectId: userId,
        details: { declines: row?.n, windowMinutes: STAFF_DECLINE_WINDOW_MS / 60_000 },
      },
      tx,
    );
  }
}

export function isChargingPaused({ userId }: { userId: number }) {
  return Boolean(getDb().select({ pausedAt: users.chargingPausedAt }).from(users).where(eq(users.id, userId)).get()?.pausedAt);
}

export function resumeCharging({ userId }: { userId: number }, actor: Actor): { ok: true; id: number } | { ok: false; error: string } {
  const db = getDb();
  return db.transaction((tx) => {
    const result = tx
      .update(users)
      .set({ chargingPausedAt: null })
      .where(and(eq(users.id, userId), sql`${users.chargingPausedAt} is not null`))
      .run();
    if (result.changes === 0) return { ok: false, error: 'users.errors.notPaused' };
    audit({ actorUserId: actor.id, action: 'user.charging_resumed', subjectType: 'user', subjectId: userId, ip: actor.ip }, tx);
    return { ok: true, id: userId };
  });
}

export function getAttempt({ id }: { id: number }) {
  return (
    getDb()
      .select({
        id: paymentAttempts.id,
        invoiceId: paymentAttempts.invoiceId,
        userId: paymentAttempts.userId,
        status: paymentAttempts.status,
        amount: paymentAttempts.amount,
        currency: paymentAttempts.currency,
        receiptEmail: paymentAttempts.receiptEmail,
        stripePaymentIntentId: paymentAttempts.stripePaymentIntentId,
        cardBrand: paymentAttempts.cardBrand,
        cardLast4: paymentAttempts.cardLast4,
        cardCountry: paymentAttempts.cardCountry,
        failureCode: paymentAttempts.failureCode,
        declineCode: paymentAttempts.declineCode,
        failureMessage: paymentAttempts.failureMessage,
        needsAttentionAt: paymentAttempts.needsAttentionAt,
        createdAt: paymentAttempts.createdAt,
        settledAt: paymentAttempts.settledAt,
      })
      .from(paymentAttempts)
      .where(eq(paymentAttempts.id, id))
      .get() ?? null
  );
}

/** The columns an attempt shows in a short list (an invoice's attempts, my charges today). */
export const attemptSummaryColumns = {
  id: paymentAttempts.id,
  status: paymentAttempts.status,
  amount: paymentAttempts.amount,
  currency: paymentAttempts.currency,
  cardBrand: paymentAttempts.cardBrand,
  cardLast4: paymentAttempts.cardLast4,
  failureCode: paymentAttempts.failureCode,
  declineCode: paymentAttempts.declineCode,
  createdAt: paymentAttempts.createdAt,
};

export function listMyChargesToday({ userId }: { userId: number }) {
  const startOfDay = new Date();
  startOfDay.setUTCHours(0, 0, 0, 0);
  return getDb()
    .select({ ...attemptSummaryColumns, invoiceId: paymentAttempts.invoiceId, invoiceNumber: invoices.number })
    .from(paymentAttempts)
    .innerJoin(invoices, eq(invoices.id, paymentAttempts.invoiceId))
    .where(and(eq(paymentAttempts.userId, userId), gte(paymentAttempts.createdAt, startOfDay.getTime())))
    .orderBy(desc(paymentAttempts.createdAt), desc(paymentAttempts.id))
    .limit(20)
    .all();
}
