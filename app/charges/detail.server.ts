import { and, asc, eq, inArray } from 'drizzle-orm';

import { isAuthenticationRequired } from '~/payments/decline-messages';
import { getDb } from '~/platform/db.server';
import { stripeDashboardUrl } from '~/platform/stripe.server';

import { type AttemptStatus, auditEvents, type Currency, invoices, refunds, users, webhookEvents } from '../../db/schema';
import { paymentAttempts } from '../../db/schema';

const a = paymentAttempts;

// ——— one charge ———

export type TimelineEntry = {
  at: number;
  kind: 'created' | 'outcome' | 'unknown' | 'reconciliation' | 'webhook' | 'refund' | 'dispute' | 'note';
  /** A stable code for the UI to translate: an audit action (`charge.failed`), webhook type or refund status. */
  action: string;
  actorName: string | null;
  details: Record<string, unknown>;
};

const TIMELINE_ORDER: Record<TimelineEntry['kind'], number> = {
  created: 0,
  unknown: 1,
  outcome: 2,
  reconciliation: 3,
  webhook: 4,
  refund: 5,
  dispute: 6,
  note: 7,
};

/** Everything finance needs to answer "what happened to this payment?", or null. Never card numbers: Keyed has none. */
export function getChargeDetail({ id }: { id: number }) {
  const db = getDb();
  const attempt = db
    .select({
      id: a.id,
      status: a.status,
      amount: a.amount,
      currency: a.currency,
      amountRefunded: a.amountRefunded,
      createdAt: a.createdAt,
      settledAt: a.settledAt,
      needsAttentionAt: a.needsAttentionAt,
      attentionReason: a.attentionReason,
      reconcileAttempts: a.reconcileAttempts,
      receiptEmail: a.receiptEmail,
      stripePaymentIntentId: a.stripePaymentIntentId,
      stripeChargeId: a.stripeChargeId,
      failureCode: a.failureCode,
      declineCode: a.declineCode,
      failureMessage: a.failureMessage,
      cardBrand: a.cardBrand,
      cardLast4: a.cardLast4,
      cardExpMonth: a.cardExpMonth,
      cardExpYear: a.cardExpYear,
      cardCountry: a.cardCountry,
      cardFunding: a.cardFunding,
      stripeDisputeId: a.stripeDisputeId,
      disputeStatus: a.disputeStatus,
      disputeReason: a.disputeReason,
      disputeAmount: a.disputeAmount,
      disputedAt: a.disputedAt,
      userId: a.userId,
      staffName: users.name,
      staffEmail: users.email,
      invoiceId: a.invoiceId,
    })
    .from(a)
    .innerJoin(users, eq(users.id, a.userId))
    .where(eq(a.id, id))
    .get();
  if (!attempt) return null;
  const invoice = db
    .select({
      id: invoices.id,
      number: invoices.number,
      customerName: invoices.customerName,
      customerEmail: invoices.customerEmail,
      description: invoices.description,
      amount: invoices.amount,
      currency: invoices.currency,
      status: invoices.status,
      amountRefunded: invoices.amountRefunded,
    })
    .from(invoices)
    .where(eq(invoices.id, attempt.invoiceId))
    .get()!;
  const refundRows = db
    .select({
      id: refunds.id,
      amount: refunds.amount,
      currency: refunds.currency,
      reason: refunds.reason,
      status: refunds.status,
      stripeRefundId: refunds.stripeRefundId,
      createdAt: refunds.createdAt,
      userId: refunds.userId,
      userName: users.name,
    })
    .from(refunds)
    .leftJoin(users, eq(users.id, refunds.userId))
    .where(eq(refunds.attemptId, id))
    .orderBy(asc(refunds.createdAt), asc(refunds.id))
    .all();
  const remaining = attempt.amount - refundRows.filter((r) => r.status !== 'failed').reduce((n, r) => n + r.amount, 0);
  const { userId: _user, staffEmail: _email, ...charge } = attempt;
  return {
    charge: {
      ...charge,
      authenticationRequired: isAuthenticationRequired(attempt),
      /** What a refund may still take: succeeded charges only, minus refunds done or in flight. */
      refundableAmount: attempt.status === 'succeeded' && !attempt.stripeDisputeId ? Math.max(0, remaining) : 0,
    },
    keyedBy: { id: attempt.userId, name: attempt.staffName, email: attempt.staffEmail },
    invoice,
    refunds: refundRows.map(({ userId, userName, ...r }) => ({ ...r, byName: userName, viaKeyed: userId !== null })),
    links: {
      paymentIntent: attempt.stripePaymentIntentId ? stripeDashboardUrl(`payments/${attempt.stripePaymentIntentId}`) : null,
    },
    timeline: buildTimeline(attempt, refundRows),
  };
}

export type ChargeDetail = NonNullable<ReturnType<typeof getChargeDetail>>;

type TimelineAttempt = {
  id: number;
  status: AttemptStatus;
  createdAt: number;
  settledAt: number | null;
  staffName: string;
  failureCode: string | null;
  declineCode: string | null;
  stripePaymentIntentId: string | null;
  stripeChargeId: string | null;
  stripeDisputeId: string | null;
  disputedAt: number | null;
  disputeReason: string | null;
  disputeAmount: number | null;
  currency: Currency;
};

/**
 * Created, Stripe's answer, webhooks, refunds, reconciliation and disputes in time order. Audit events
 * supply who and how; generated history has none, so the attempt row itself stands in for them.
 */
function buildTimeline(
  attempt: TimelineAttempt,
  refundRows: {
    id: number;
    amount: number;
    status: string;
    stripeRefundId: string | null;
    createdAt: number;
    userName: string | null;
    reason: string | null;
  }[],
): TimelineEntry[] {
  const db = getDb();
  const audits = db
    .select({ at: auditEvents.at, action: auditEvents.action, details: auditEvents.details, actorName: users.name })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorUserId))
    .where(and(eq(auditEvents.subjectType, 'payment_attempt'), eq(auditEvents.subjectId, String(attempt.id))))
    .orderBy(asc(auditEvents.id))
    .all();
  const entries: TimelineEntry[] = [];
  const seen = new Set(audits.map((e) => e.action));
  if (!seen.has('charge.attempted'))
    entries.push({ at: attempt.createdAt, kind: 'created', action: 'charge.attempted', actorName: attempt.staffName, details: {} });
  const outcome = `charge.${attempt.status}`;
  if (attempt.settledAt && !seen.has(outcome)) {
    entries.push({
      at: attempt.settledAt,
      kind: 'outcome',
      action: outcome,
      actorName: null,
      details: stripNulls({ failureCode: attempt.failureCode, declineCode: attempt.declineCode }),
    });
  }
  for (const event of audits) {
    entries.push({ at: event.at, kind: auditKind(event.action), action: event.action, actorName: event.actorName, details: safeDetails(event.details) });
  }
  const objectIds = [attempt.stripePaymentIntentId, attempt.stripeChargeId, attempt.stripeDisputeId, ...refundRows.map((r) => r.stripeRefundId)].filter(
    (v): v is string => Boolean(v),
  );
  if (objectIds.length > 0) {
    const hooks = db
      .select({ id: webhookEvents.id, type: webhookEvents.type, receivedAt: webhookEvents.receivedAt })
      .from(webhookEvents)
      .where(inArray(webhookEvents.objectId, objectIds))
      .all();
    for (const hook of hooks) entries.push({ at: hook.receivedAt, kind: 'webhook', action: hook.type, actorName: null, details: { eventId: hook.id } });
  }
  // Refund rows are the record of money going back; their audit entries (if any) say who asked.
  for (const r of refundRows) {
    if (!audits.some((e) => e.action.startsWith('refund.') && (e.details as { refundId?: number } | null)?.refundId === r.id)) {
      entries.push({
        at: r.createdAt,
        kind: 'refund',
        action: `refund.${r.status}`,
        actorName: r.userName,
        details: stripNulls({ refundId: r.id, amount: r.amount, currency: attempt.currency, reason: r.reason }),
      });
    }
  }
  if (attempt.disputedAt && !seen.has('charge.disputed')) {
    entries.push({
      at: attempt.disputedAt,
      kind: 'dispute',
      action: 'charge.disputed',
      actorName: null,
      details: stripNulls({ reason: attempt.disputeReason, amount: attempt.disputeAmount }),
    });
  }
  return entries.sort((x, y) => x.at - y.at || TIMELINE_ORDER[x.kind] - TIMELINE_ORDER[y.kind]);
}

function auditKind(action: string): TimelineEntry['kind'] {
  if (action === 'charge.attempted') return 'created';
  if (action === 'charge.unknown') return 'unknown';
  if (action === 'charge.succeeded' || action === 'charge.failed' || action === 'charge.blocked') return 'outcome';
  if (action === 'charge.needs_attention' || action === 'charge.outcome_conflict' || action.startsWith('charge.reconcil')) return 'reconciliation';
  if (action.startsWith('refund.')) return 'refund';
  if (action === 'charge.disputed' || action === 'charge.dispute_updated') return 'dispute';
  return 'note';
}

// Audit details are ids, codes and amounts by convention; pass only plain values through to the page.
function safeDetails(details: Record<string, unknown> | null): Record<string, unknown> {
  if (!details) return {};
  return Object.fromEntries(Object.entries(details).filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v)));
}

function stripNulls(details: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(details).filter(([, v]) => v !== null && v !== undefined));
}
