/** Stripe's refund reasons, offered by the refund form and checked by the server. */
export const REFUND_REASONS = ['requested_by_customer', 'duplicate', 'fraudulent'] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

/** How each reason reads; a reason Stripe reports that Keyed never sends reads as "other". */
export const REFUND_REASON_KEYS: Record<RefundReason, string> = {
  requested_by_customer: 'refundForm.reasons.requestedByCustomer',
  duplicate: 'refundForm.reasons.duplicate',
  fraudulent: 'refundForm.reasons.fraudulent',
};

export function refundReasonKey(reason: string) {
  return REFUND_REASON_KEYS[reason as RefundReason] ?? 'refundForm.reasons.other';
}
