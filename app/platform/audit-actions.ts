// Every action Keyed writes to the audit log, with how it reads: a short label (filters, a charge's timeline)
// and a sentence (the audit log). Shared by the server (which validates the action filter) and the pages.
// test/platform/audit-log.test.ts fails when code writes an action that is not listed here.

export const AUDIT_GROUPS = ['charges', 'refunds', 'invoices', 'users', 'access', 'settings'] as const;
export type AuditGroup = (typeof AUDIT_GROUPS)[number];

export type AuditActionInfo = { action: string; group: AuditGroup; label: string; sentence: string };

export const AUDIT_ACTIONS: readonly AuditActionInfo[] = [
  { action: 'charge.attempted', group: 'charges', label: 'events.chargeAttempted', sentence: 'auditLog.sentences.chargeAttempted' },
  { action: 'charge.succeeded', group: 'charges', label: 'events.chargeSucceeded', sentence: 'auditLog.sentences.chargeSucceeded' },
  { action: 'charge.failed', group: 'charges', label: 'events.chargeFailed', sentence: 'auditLog.sentences.chargeFailed' },
  { action: 'charge.blocked', group: 'charges', label: 'events.chargeBlocked', sentence: 'auditLog.sentences.chargeBlocked' },
  { action: 'charge.unknown', group: 'charges', label: 'events.chargeUnknown', sentence: 'auditLog.sentences.chargeUnknown' },
  { action: 'charge.check_requested', group: 'charges', label: 'events.chargeCheckRequested', sentence: 'auditLog.sentences.chargeCheckRequested' },
  { action: 'charge.needs_attention', group: 'charges', label: 'events.chargeNeedsAttention', sentence: 'auditLog.sentences.chargeNeedsAttention' },
  { action: 'charge.outcome_conflict', group: 'charges', label: 'events.chargeOutcomeConflict', sentence: 'auditLog.sentences.chargeOutcomeConflict' },
  {
    action: 'charge.client_amount_ignored',
    group: 'charges',
    label: 'events.chargeClientAmountIgnored',
    sentence: 'auditLog.sentences.chargeClientAmountIgnored',
  },
  { action: 'charge.disputed', group: 'charges', label: 'events.chargeDisputed', sentence: 'auditLog.sentences.chargeDisputed' },
  { action: 'charge.dispute_updated', group: 'charges', label: 'events.chargeDisputeUpdated', sentence: 'auditLog.sentences.chargeDisputeUpdated' },
  { action: 'charge.webhook_mismatch', group: 'charges', label: 'events.chargeWebhookMismatch', sentence: 'auditLog.sentences.chargeWebhookMismatch' },
  { action: 'charges.exported', group: 'charges', label: 'events.chargesExported', sentence: 'auditLog.sentences.chargesExported' },
  { action: 'refund.requested', group: 'refunds', label: 'events.refundRequested', sentence: 'auditLog.sentences.refundRequested' },
  { action: 'refund.pending', group: 'refunds', label: 'events.refundPending', sentence: 'auditLog.sentences.refundPending' },
  { action: 'refund.succeeded', group: 'refunds', label: 'events.refundSucceeded', sentence: 'auditLog.sentences.refundSucceeded' },
  { action: 'refund.failed', group: 'refunds', label: 'events.refundFailed', sentence: 'auditLog.sentences.refundFailed' },
  { action: 'refund.recorded', group: 'refunds', label: 'events.refundRecorded', sentence: 'auditLog.sentences.refundRecorded' },
  {
    action: 'refund.approval_requested',
    group: 'refunds',
    label: 'events.refundApprovalRequested',
    sentence: 'auditLog.sentences.refundApprovalRequested',
  },
  { action: 'refund.approved', group: 'refunds', label: 'events.refundApproved', sentence: 'auditLog.sentences.refundApproved' },
  { action: 'refund.rejected', group: 'refunds', label: 'events.refundRejected', sentence: 'auditLog.sentences.refundRejected' },
  { action: 'invoice.created', group: 'invoices', label: 'events.invoiceCreated', sentence: 'auditLog.sentences.invoiceCreated' },
  { action: 'invoice.voided', group: 'invoices', label: 'events.invoiceVoided', sentence: 'auditLog.sentences.invoiceVoided' },
  { action: 'user.created', group: 'users', label: 'events.userCreated', sentence: 'auditLog.sentences.userCreated' },
  { action: 'user.role_changed', group: 'users', label: 'events.userRoleChanged', sentence: 'auditLog.sentences.userRoleChanged' },
  { action: 'user.password_reset', group: 'users', label: 'events.userPasswordReset', sentence: 'auditLog.sentences.userPasswordReset' },
  { action: 'user.disabled', group: 'users', label: 'events.userDisabled', sentence: 'auditLog.sentences.userDisabled' },
  { action: 'user.enabled', group: 'users', label: 'events.userEnabled', sentence: 'auditLog.sentences.userEnabled' },
  { action: 'user.charging_paused', group: 'users', label: 'events.userChargingPaused', sentence: 'auditLog.sentences.userChargingPaused' },
  { action: 'user.charging_resumed', group: 'users', label: 'events.userChargingResumed', sentence: 'auditLog.sentences.userChargingResumed' },
  { action: 'login.succeeded', group: 'access', label: 'events.loginSucceeded', sentence: 'auditLog.sentences.loginSucceeded' },
  { action: 'login.failed', group: 'access', label: 'events.loginFailed', sentence: 'auditLog.sentences.loginFailed' },
  { action: 'login.throttled', group: 'access', label: 'events.loginThrottled', sentence: 'auditLog.sentences.loginThrottled' },
  { action: 'logout', group: 'access', label: 'events.logout', sentence: 'auditLog.sentences.logout' },
  { action: 'login.password_accepted', group: 'access', label: 'events.loginPasswordAccepted', sentence: 'auditLog.sentences.loginPasswordAccepted' },
  { action: 'login.two_factor_failed', group: 'access', label: 'events.loginTwoFactorFailed', sentence: 'auditLog.sentences.loginTwoFactorFailed' },
  {
    action: 'login.two_factor_throttled',
    group: 'access',
    label: 'events.loginTwoFactorThrottled',
    sentence: 'auditLog.sentences.loginTwoFactorThrottled',
  },
  { action: 'two_factor.enrolled', group: 'access', label: 'events.twoFactorEnrolled', sentence: 'auditLog.sentences.twoFactorEnrolled' },
  {
    action: 'two_factor.recovery_codes_regenerated',
    group: 'access',
    label: 'events.twoFactorRecoveryCodes',
    sentence: 'auditLog.sentences.twoFactorRecoveryCodes',
  },
  { action: 'two_factor.removed', group: 'access', label: 'events.twoFactorRemoved', sentence: 'auditLog.sentences.twoFactorRemoved' },
  { action: 'settings.changed', group: 'settings', label: 'events.settingsChanged', sentence: 'auditLog.sentences.settingsChanged' },
  { action: 'demo.seeded', group: 'settings', label: 'events.demoSeeded', sentence: 'auditLog.sentences.demoSeeded' },
];

const BY_ACTION = new Map(AUDIT_ACTIONS.map((info) => [info.action, info]));

export const AUDIT_GROUP_KEYS: Record<AuditGroup, string> = {
  charges: 'auditLog.groups.charges',
  refunds: 'auditLog.groups.refunds',
  invoices: 'auditLog.groups.invoices',
  users: 'auditLog.groups.users',
  access: 'auditLog.groups.access',
  settings: 'auditLog.groups.settings',
};

export function auditActionInfo(action: string): AuditActionInfo | null {
  return BY_ACTION.get(action) ?? null;
}

/** The short label of an action; one Keyed has no words for yet reads as "other event". */
export function auditActionLabelKey(action: string) {
  return BY_ACTION.get(action)?.label ?? 'events.other';
}
