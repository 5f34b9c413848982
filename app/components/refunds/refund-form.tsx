import { Form, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

import { useFormat } from '~/components/use-format';
import { REFUND_REASONS } from '~/refunds/refund-reasons';

const REASON_KEYS = {
  requested_by_customer: 'refundForm.reasons.requestedByCustomer',
  duplicate: 'refundForm.reasons.duplicate',
  fraudulent: 'refundForm.reasons.fraudulent',
} as const;

export function RefundForm({
  refundKey,
  remaining,
  currency,
  fieldErrors,
}: {
  refundKey: string;
  remaining: number;
  currency: string;
  fieldErrors: Record<string, string[]>;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const navigation = useNavigation();
  const busy = navigation.state !== 'idle' && navigation.formData?.get('intent') === 'refund';
  return (
    <section className="card" aria-labelledby="refund-title">
      <h2 id="refund-title" className="font-semibold">
        {t('refundForm.title')}
      </h2>
      <p className="mt-1 text-sm text-slate-600">{t('refundForm.remaining', { amount: format.money(remaining, currency) })}</p>
      <Form method="post" className="mt-3 flex flex-wrap items-end gap-3">
        <input type="hidden" name="intent" value="refund" />
        <input type="hidden" name="idempotencyKey" value={refundKey} />
        <div>
          <label htmlFor="refund-amount" className="field-label">
            {t('refundForm.amount')}
          </label>
          <input
            id="refund-amount"
            name="amount"
            inputMode="decimal"
            placeholder={t('refundForm.amountPlaceholder')}
            className="field-input"
            aria-invalid={fieldErrors.amount ? true : undefined}
            aria-describedby="refund-amount-error"
          />
          <p id="refund-amount-error" className="field-error">
            {fieldErrors.amount?.[0]}
          </p>
        </div>
        <div>
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
                {t(REASON_KEYS[reason])}
              </option>
            ))}
          </select>
          <p id="refund-reason-error" className="field-error">
            {fieldErrors.reason?.[0]}
          </p>
        </div>
        <button type="submit" className="btn-danger mb-6" disabled={busy}>
          {busy ? t('refundForm.refunding') : t('refundForm.submit')}
        </button>
      </Form>
    </section>
  );
}
