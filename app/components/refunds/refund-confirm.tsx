import { Form, Link, useNavigation } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

import { useFormat } from '../use-format';
import { useLabels } from '../use-labels';

/** What the server worked out for the confirmation: exactly what "yes" sends. */
export type RefundReviewView = {
  key: string;
  amount: number;
  currency: string;
  reason: string;
  needsApproval: boolean;
  threshold: number;
  recentDuplicateAt: number | null;
  cardBrand: string | null;
  cardLast4: string | null;
  customerName: string;
};

/**
 * Step two: "Refund CA$5.00 to Visa ···4242, Léa Bouchard?" A server-rendered step, so it works without JavaScript;
 * focus moves to the question so keyboard and screen-reader users land on it. A refund of the same amount made on
 * this charge minutes ago must be acknowledged with a checkbox (the server refuses it otherwise).
 */
export function RefundConfirm({ review, chargeId, error }: { review: RefundReviewView; chargeId: number; error: string | null }) {
  const { t } = useTranslation();
  const format = useFormat();
  const labels = useLabels();
  const navigation = useNavigation();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [review.key, review.amount, review.recentDuplicateAt]);
  const busy = navigation.state !== 'idle';
  const refunding = busy && navigation.formData?.get('intent') === 'refund';
  const words = {
    amount: format.money(review.amount, review.currency),
    card: labels.card(review.cardBrand, review.cardLast4),
    customer: review.customerName,
  };
  const intent = review.needsApproval ? 'request-approval' : 'refund';
  return (
    <section className="card space-y-4 ring-2 ring-red-300" aria-labelledby="refund-confirm-title" data-testid="refund-confirm">
      <h2 id="refund-confirm-title" ref={heading} tabIndex={-1} className="text-lg font-semibold outline-none">
        {review.needsApproval ? t('refundConfirm.approvalQuestion', words) : t('refundConfirm.question', words)}
      </h2>
      <p className="text-sm text-slate-700">{t('labels.reason', { reason: labels.refundReason(review.reason) })}</p>
      {review.needsApproval ? (
        <p className="text-sm text-slate-700">{t('refundConfirm.needsApproval', { threshold: format.money(review.threshold, review.currency) })}</p>
      ) : null}
      {error ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      <Form method="post" className="space-y-4">
        <input type="hidden" name="idempotencyKey" value={review.key} />
        <input type="hidden" name="amount" value={review.amount} />
        <input type="hidden" name="reason" value={review.reason} />
        {review.needsApproval ? (
          <div>
            <label htmlFor="approval-note" className="field-label">
              {t('refundConfirm.note')}
            </label>
            <textarea id="approval-note" name="note" rows={2} maxLength={500} className="field-input" />
          </div>
        ) : null}
        {review.recentDuplicateAt ? (
          <div className="rounded-md bg-amber-50 p-3 text-sm text-amber-950 ring-1 ring-amber-300">
            <p role="alert">{t('refundConfirm.recentDuplicate', { amount: words.amount, time: format.dateTime(review.recentDuplicateAt) })}</p>
            <div className="mt-2 flex items-start gap-2">
              <input id="allow-duplicate" name="allowRecentDuplicate" type="checkbox" value="yes" required className="mt-1 h-4 w-4" />
              <label htmlFor="allow-duplicate" className="font-medium">
                {t('refundConfirm.anotherOne', { amount: words.amount })}
              </label>
            </div>
          </div>
        ) : null}
        <div className="flex flex-wrap gap-3">
          <button type="submit" name="intent" value={intent} className="btn-danger" disabled={busy}>
            {review.needsApproval
              ? t('refundConfirm.submitForApproval')
              : refunding
                ? t('refundForm.refunding')
                : t('refundConfirm.yes', { amount: words.amount })}
          </button>
          <Link to={`/charges/${chargeId}`} className="btn-secondary">
            {t('refundConfirm.cancel')}
          </Link>
        </div>
      </Form>
    </section>
  );
}
