import { Form, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

import { REFUND_REASON_KEYS, REFUND_REASONS } from '~/refunds/refund-reasons';

import { useFormat } from '../use-format';

export type RefundFieldErrors = Partial<Record<'amount' | 'reason', string[]>>;

/**
 * Step one of a refund: how much and why. It sends nothing: the server answers with a confirmation to read first.
 * The page keys this form by its refund key, so after a refund it comes back empty, never holding the last amount.
 */
export function RefundForm({
  refundKey,
  remaining,
  currency,
  fieldErrors,
}: {
  refundKey: string;
  remaining: number;
  currency: string;
  fieldErrors: RefundFieldErrors;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const navigation = useNavigation();
  const busy = navigation.state !== 'idle' && navigation.formData?.get('intent') === 'review';
  return (
    <section className="card" aria-labelledby="refund-title">
      <h2 id="refund-title" className="font-semibold">
        {t('refundForm.title')}
      </h2>
      <p className="mt-1 text-sm text-slate-600">{t('refundForm.remaining', { amount: format.money(remaining, currency) })}</p>
      <Form method="post" className="mt-3 flex flex-wrap items-end gap-3" data-testid="refund-form">
        <input type="hidden" name="idempotencyKey" value={refundKey} />
        <div className="min-w-[16rem]">
          <label htmlFor="refund-amount" className="field-label">
            {t('refundForm.amount')}
          </label>
          <input
            id="refund-amount"
            name="amount"
            inputMode="decimal"
            autoComplete="off"
            placeholder={t('refundForm.amountPlaceholder')}
            className="field-input"
            aria-invalid={fieldErrors.amount ? true : undefined}
            aria-describedby="refund-amount-error"
          />
          <p id="refund-amount-error" className="field-error">
            {fieldErrors.amount?.[0]}
          </p>
        </div>
        <div className="min-w-[16rem]">
          <label htmlFor="refund-reason" className="field-label">
            {t('refundForm.reason')}
          </label>
          <select
            id="refund-reason"
            name="reason"
            defaultValue="requested_by_customer"
            className="field-input"
            aria-invalid={fieldErrors.reason ? true : undefined}
            aria-describedby="refund-reason-error"
          >
            {REFUND_REASONS.map((reason) => (
              <option key={reason} value={reason}>
                {t(REFUND_REASON_KEYS[reason])}
              </option>
            ))}
          </select>
          <p id="refund-reason-error" className="field-error">
            {fieldErrors.reason?.[0]}
          </p>
        </div>
        <button type="submit" name="intent" value="review" className="btn-danger mb-6" disabled={busy}>
          {t('refundForm.submit')}
        </button>
      </Form>
    </section>
  );
}
