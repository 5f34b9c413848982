import type { TFunction } from 'i18next';
import { z } from 'zod';

import { MAXIMUM_CHARGE, parseAmount } from '~/platform/money';

import type { ApprovalRefusal } from './refund-approvals.server';
import type { RefundRefusal } from './refund-charge.server';
import { REFUND_REASONS } from './refund-reasons';

// The refund form's two steps, the manager's rejection, and how each refusal answers (message key, HTTP status).
// Review: what finance typed (amount in the page's locale; empty = all that remains).
// Confirm: exactly what the confirmation showed, the amount in minor units as the server worked it out.

const REFUND_KEY_PATTERN = /^refund_[A-Za-z0-9_-]{24}$/;

function common(t: TFunction) {
  return {
    idempotencyKey: z.string().regex(REFUND_KEY_PATTERN, t('refundForm.errors.staleForm')),
    reason: z.enum(REFUND_REASONS, { errorMap: () => ({ message: t('refundForm.errors.reason') }) }),
  };
}

export function refundReviewSchema({ t, locale }: { t: TFunction; locale: string }) {
  return z.object({
    intent: z.literal('review'),
    ...common(t),
    amount: z
      .string()
      .optional()
      .transform((text, ctx) => {
        if (!text?.trim()) return undefined;
        const parsed = parseAmount(text, locale);
        if (parsed.ok && parsed.minor > 0) return parsed.minor;
        ctx.addIssue({ code: 'custom', message: t('refundForm.errors.amount') });
        return z.NEVER;
      }),
  });
}

export function refundConfirmSchema(t: TFunction) {
  return z.object({
    intent: z.enum(['refund', 'request-approval']),
    ...common(t),
    amount: z.coerce.number().int().min(1).max(MAXIMUM_CHARGE),
    /** "Yes, another one": required by the server when the same amount was refunded on this charge minutes ago. */
    allowRecentDuplicate: z
      .literal('yes')
      .optional()
      .transform((value) => value === 'yes'),
    note: z
      .string()
      .trim()
      .max(500, t('refundConfirm.errors.noteTooLong'))
      .optional()
      .transform((value) => value || null),
  });
}

export function rejectApprovalSchema(t: TFunction) {
  return z.object({
    intent: z.literal('reject'),
    approvalId: z.coerce.number().int().positive(),
    reason: z
      .string({ required_error: t('approvals.errors.reason') })
      .trim()
      .min(1, t('approvals.errors.reason'))
      .max(500, t('approvals.errors.reasonTooLong')),
  });
}

/** How each refusal of a refund (or of a request for approval) reads, and the status it answers with. */
export const REFUND_REFUSALS: Record<RefundRefusal | ApprovalRefusal, { key: string; status: number }> = {
  forbidden: { key: 'errors.forbidden.title', status: 403 },
  not_found: { key: 'errors.notFound.title', status: 404 },
  not_refundable: { key: 'refundForm.errors.notRefundable', status: 409 },
  disputed: { key: 'refundForm.errors.disputed', status: 409 },
  invalid_amount: { key: 'refundForm.errors.amount', status: 400 },
  exceeds_remaining: { key: 'refundForm.errors.exceedsRemaining', status: 400 },
  needs_manager: { key: 'refundForm.errors.needsManager', status: 403 },
  recent_duplicate: { key: 'refundForm.errors.recentDuplicate', status: 409 },
  key_reused: { key: 'refundForm.errors.staleForm', status: 409 },
  stripe_declined: { key: 'refundForm.errors.stripeDeclined', status: 502 },
  not_needed: { key: 'refundForm.errors.approvalNotNeeded', status: 409 },
  already_decided: { key: 'approvals.errors.alreadyDecided', status: 409 },
};
