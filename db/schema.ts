import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

// Money is always an integer of minor units beside a currency; times are UTC epoch milliseconds.

export const ROLES = ['staff', 'finance', 'manager'] as const;
export type Role = (typeof ROLES)[number];

export const CURRENCIES = ['usd', 'cad'] as const;
export type Currency = (typeof CURRENCIES)[number];

export const INVOICE_STATUSES = ['open', 'processing', 'paid', 'partially_refunded', 'refunded', 'void'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export const ATTEMPT_STATUSES = ['pending', 'succeeded', 'failed', 'blocked', 'unknown'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

const createdAt = () =>
  integer('created_at', { mode: 'number' })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    passwordHash: text('password_hash').notNull(),
    /** Saved language preference (en or fr-CA); null follows the browser's Accept-Language. */
    locale: text('locale', { enum: ['en', 'fr-CA'] }),
    chargingPausedAt: integer('charging_paused_at'),
    disabledAt: integer('disabled_at'),
    /** A demo account seeded in sandbox mode: password-only there, whatever the two-factor settings say. */
    demoAccount: integer('demo_account', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: integer('updated_at')
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [uniqueIndex('users_email_unique').on(t.email), check('users_role_check', sql`${t.role} in ('staff', 'finance', 'manager')`)],
);

export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    lastSeenAt: integer('last_seen_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** Failed logins per throttle key ("email:…" or "ip:…"); cleared for the account on success. */
export const loginThrottle = sqliteTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  lastFailedAt: integer('last_failed_at').notNull(),
  blockedUntil: integer('blocked_until').notNull(),
});

/**
 * A user's TOTP authenticator. The row exists from the start of enrolment; confirmed_at is set once the user has
 * typed a valid code. last_used_step refuses a code that was already used (RFC 6238 replay protection).
 */
export const twoFactorCredentials = sqliteTable('two_factor_credentials', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  secret: text('secret').notNull(),
  confirmedAt: integer('confirmed_at'),
  lastUsedStep: integer('last_used_step'),
  createdAt: createdAt(),
});

/** Single-use recovery codes, stored as SHA-256 hashes (each is 50 random bits, so a fast hash is enough). */
export const recoveryCodes = sqliteTable(
  'recovery_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: integer('used_at'),
    createdAt: createdAt(),
  },
  (t) => [index('recovery_codes_user_idx').on(t.userId)],
);

export const invoices = sqliteTable(
  'invoices',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    number: text('number').notNull(),
    customerName: text('customer_name').notNull(),
    customerEmail: text('customer_email'),
    customerPhone: text('customer_phone'),
    description: text('description').notNull(),
    amount: integer('amount').notNull(),
    currency: text('currency', { enum: CURRENCIES }).notNull(),
    status: text('status', { enum: INVOICE_STATUSES }).notNull().default('open'),
    amountRefunded: integer('amount_refunded').notNull().default(0),
    createdByUserId: integer('created_by_user_id').references(() => users.id),
    createdAt: createdAt(),
    updatedAt: integer('updated_at')
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
    paidAt: integer('paid_at'),
    voidedAt: integer('voided_at'),
  },
  (t) => [
    uniqueIndex('invoices_number_unique').on(t.number),
    index('invoices_status_created_idx').on(t.status, t.createdAt),
    check('invoices_amount_positive', sql`${t.amount} > 0`),
    check('invoices_currency_check', sql`${t.currency} in ('usd', 'cad')`),
    check('invoices_refund_bounds', sql`${t.amountRefunded} >= 0 and ${t.amountRefunded} <= ${t.amount}`),
  ],
);

export const paymentAttempts = sqliteTable(
  'payment_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    invoiceId: integer('invoice_id')
      .notNull()
      .references(() => invoices.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    idempotencyKey: text('idempotency_key').notNull(),
    amount: integer('amount').notNull(),
    currency: text('currency', { enum: CURRENCIES }).notNull(),
    status: text('status', { enum: ATTEMPT_STATUSES }).notNull(),
    paymentMethodId: text('payment_method_id').notNull(),
    receiptEmail: text('receipt_email'),
    stripePaymentIntentId: text('stripe_payment_intent_id'),
    stripeChargeId: text('stripe_charge_id'),
    cardBrand: text('card_brand'),
    cardLast4: text('card_last4'),
    cardCountry: text('card_country'),
    cardExpMonth: integer('card_exp_month'),
    cardExpYear: integer('card_exp_year'),
    cardFunding: text('card_funding'),
    failureCode: text('failure_code'),
    declineCode: text('decline_code'),
    failureMessage: text('failure_message'),
    amountRefunded: integer('amount_refunded').notNull().default(0),
    reconcileAttempts: integer('reconcile_attempts').notNull().default(0),
    /** When the PaymentIntent request first left Keyed: from then on a re-send is only ever the identical request. */
    sentAt: integer('sent_at'),
    needsAttentionAt: integer('needs_attention_at'),
    /** Why a person must look: null for an attempt unsettled past a day; 'webhook_mismatch' when a signed event disagreed with it. */
    attentionReason: text('attention_reason'),
    createdAt: createdAt(),
    settledAt: integer('settled_at'),
    /** A chargeback or inquiry opened on the charge (`charge.dispute.created`); null when none. */
    stripeDisputeId: text('stripe_dispute_id'),
    disputeStatus: text('dispute_status'),
    disputeReason: text('dispute_reason'),
    disputeAmount: integer('dispute_amount'),
    disputedAt: integer('disputed_at'),
  },
  (t) => [
    uniqueIndex('payment_attempts_idempotency_key_unique').on(t.idempotencyKey),
    // At most one live or successful attempt per invoice: the database itself refuses a double charge.
    uniqueIndex('payment_attempts_one_live_per_invoice')
      .on(t.invoiceId)
      .where(sql`status in ('pending', 'unknown', 'succeeded')`),
    index('payment_attempts_invoice_idx').on(t.invoiceId, t.createdAt),
    index('payment_attempts_user_created_idx').on(t.userId, t.createdAt),
    index('payment_attempts_created_idx').on(t.createdAt, t.id),
    // Charge history: each filter that narrows a lot gets an index that also yields newest-first order (id is the rowid).
    index('payment_attempts_status_created_idx').on(t.status, t.createdAt),
    // "Decline code" in history is the most specific code Stripe gave: decline_code, else the error code.
    index('payment_attempts_code_created_idx').on(sql`coalesce(${t.declineCode}, ${t.failureCode})`, t.createdAt),
    // Authentication required (any of its three spellings), newest first, for history and the upgrade signal.
    index('payment_attempts_auth_created_idx')
      .on(t.createdAt)
      // The rule in app/payments/decline-messages.ts (AUTH_REQUIRED_SQL), spelled out here as the migration has it.
      .where(sql`failure_code in ('authentication_required', 'requires_action_not_handled') or decline_code = 'authentication_not_handled'`),
    index('payment_attempts_last4_created_idx').on(t.cardLast4, t.createdAt),
    // Webhooks and refunds find the attempt by Stripe's ids.
    index('payment_attempts_intent_idx').on(t.stripePaymentIntentId),
    index('payment_attempts_charge_idx').on(t.stripeChargeId),
    check('payment_attempts_amount_positive', sql`${t.amount} > 0`),
  ],
);

export const refunds = sqliteTable(
  'refunds',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    attemptId: integer('attempt_id')
      .notNull()
      .references(() => paymentAttempts.id),
    userId: integer('user_id').references(() => users.id),
    idempotencyKey: text('idempotency_key').notNull(),
    amount: integer('amount').notNull(),
    currency: text('currency', { enum: CURRENCIES }).notNull(),
    reason: text('reason'),
    status: text('status', { enum: ['pending', 'succeeded', 'failed'] }).notNull(),
    stripeRefundId: text('stripe_refund_id'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('refunds_idempotency_key_unique').on(t.idempotencyKey),
    uniqueIndex('refunds_stripe_refund_id_unique').on(t.stripeRefundId),
    index('refunds_attempt_idx').on(t.attemptId),
    // Refunded volume by period and currency (dashboard, history totals) read from the index alone.
    index('refunds_status_created_idx').on(t.status, t.createdAt, t.currency, t.amount),
    check('refunds_amount_positive', sql`${t.amount} > 0`),
  ],
);

export const REFUND_APPROVAL_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type RefundApprovalStatus = (typeof REFUND_APPROVAL_STATUSES)[number];

/**
 * A refund above the approval threshold that finance asked a manager to approve. It reserves nothing while it
 * waits: approving it reserves the amount as a pending refund row (in the same transaction that records the
 * decision), so the money rules are the ones every refund follows.
 */
export const refundApprovals = sqliteTable(
  'refund_approvals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    attemptId: integer('attempt_id')
      .notNull()
      .references(() => paymentAttempts.id),
    requestedByUserId: integer('requested_by_user_id')
      .notNull()
      .references(() => users.id),
    /** The refund form's key: the same form submitted twice is one request. */
    idempotencyKey: text('idempotency_key').notNull(),
    amount: integer('amount').notNull(),
    currency: text('currency', { enum: CURRENCIES }).notNull(),
    reason: text('reason'),
    note: text('note'),
    status: text('status', { enum: REFUND_APPROVAL_STATUSES }).notNull().default('pending'),
    decidedByUserId: integer('decided_by_user_id').references(() => users.id),
    decidedAt: integer('decided_at'),
    rejectionReason: text('rejection_reason'),
    /** The refund an approval sent (its row holds Stripe's answer). */
    refundId: integer('refund_id').references(() => refunds.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('refund_approvals_idempotency_key_unique').on(t.idempotencyKey),
    index('refund_approvals_status_created_idx').on(t.status, t.createdAt),
    index('refund_approvals_attempt_idx').on(t.attemptId),
    check('refund_approvals_amount_positive', sql`${t.amount} > 0`),
    check('refund_approvals_status_check', sql`${t.status} in ('pending', 'approved', 'rejected')`),
    // A decision has a who and a when; an approval has its refund; a rejection has its reason.
    check(
      'refund_approvals_decision',
      sql`(${t.status} = 'pending' and ${t.decidedAt} is null and ${t.refundId} is null) or (${t.status} = 'approved' and ${t.decidedAt} is not null and ${t.refundId} is not null) or (${t.status} = 'rejected' and ${t.decidedAt} is not null and ${t.rejectionReason} is not null)`,
    ),
  ],
);

/** Append-only: triggers in the migration refuse UPDATE and DELETE. */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actorUserId: integer('actor_user_id'),
    action: text('action').notNull(),
    subjectType: text('subject_type'),
    subjectId: text('subject_id'),
    ip: text('ip'),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [
    index('audit_events_at_idx').on(t.at),
    index('audit_events_subject_idx').on(t.subjectType, t.subjectId),
    // The audit log filtered by person or by action, newest first (id is the rowid).
    index('audit_events_actor_idx').on(t.actorUserId),
    index('audit_events_action_idx').on(t.action),
  ],
);

export const webhookEvents = sqliteTable(
  'webhook_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    receivedAt: integer('received_at').notNull(),
    processedAt: integer('processed_at'),
    /** The event's data.object id (pi_…, ch_…, re_…, dp_…), so a charge's timeline can show its webhooks. */
    objectId: text('object_id'),
  },
  (t) => [index('webhook_events_object_idx').on(t.objectId)],
);

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * Reports never scan payment_attempts: settled attempts are counted per UTC day (of the attempt) into two
 * small rollups, updated in the same transaction that settles an attempt and rebuildable from scratch.
 * Empty strings stand for "none" so every dimension can be part of the primary key.
 */
export const dailyOutcomes = sqliteTable(
  'daily_outcomes',
  {
    day: text('day').notNull(),
    currency: text('currency', { enum: CURRENCIES }).notNull(),
    status: text('status', { enum: ['succeeded', 'failed', 'blocked'] }).notNull(),
    failureCode: text('failure_code').notNull(),
    declineCode: text('decline_code').notNull(),
    /** 1 for a success on an invoice that had a failed attempt before: revenue recovered after a decline. */
    recovered: integer('recovered').notNull(),
    attempts: integer('attempts').notNull(),
    amount: integer('amount').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.currency, t.status, t.failureCode, t.declineCode, t.recovered] })],
);

/** The same attempts by one dimension at a time (card country, card brand, staff member). */
export const dailyBreakdowns = sqliteTable(
  'daily_breakdowns',
  {
    day: text('day').notNull(),
    dimension: text('dimension', { enum: ['country', 'brand', 'staff'] }).notNull(),
    value: text('value').notNull(),
    status: text('status', { enum: ['succeeded', 'failed', 'blocked'] }).notNull(),
    authRequired: integer('auth_required').notNull(),
    attempts: integer('attempts').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.dimension, t.value, t.status, t.authRequired] })],
);

/**
 * Invoices by the UTC day of their first declined attempt: how many were later paid with another card
 * (recovered) and how many were not (lost). Kept current as attempts settle; rebuildable.
 */
export const dailyDeclineCohorts = sqliteTable(
  'daily_decline_cohorts',
  {
    day: text('day').notNull(),
    currency: text('currency', { enum: CURRENCIES }).notNull(),
    declinedInvoices: integer('declined_invoices').notNull(),
    declinedAmount: integer('declined_amount').notNull(),
    recoveredInvoices: integer('recovered_invoices').notNull(),
    recoveredAmount: integer('recovered_amount').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.currency] })],
);
