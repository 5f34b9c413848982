import { Form, useRevalidator } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

import { TechnicalDetails } from '~/components/technical-details';
import { useFormat } from '~/components/use-format';
import { useLabels } from '~/components/use-labels';
import type { getAttempt } from '~/payments/attempts.server';
import { UNKNOWN_OUTCOME_KEY } from '~/payments/decline-messages';

/** An attempt as the terminal shows it: the stored row plus the message staff read. */
type AttemptView = NonNullable<ReturnType<typeof getAttempt>> & { messageKey: string | null; authenticationRequired: boolean };

/** What happened to the charge just made: approved, declined (and why), or still being checked. */
export function ChargeOutcome({ attempt, allowedCountries }: { attempt: AttemptView; allowedCountries: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const labels = useLabels();
  const ref = useRef<HTMLDivElement>(null);
  const revalidator = useRevalidator();
  const unsettled = attempt.status === 'pending' || attempt.status === 'unknown';
  // Move focus to the result so keyboard and screen-reader users land on it.
  useEffect(() => ref.current?.focus(), [attempt.id, attempt.status]);
  // While Stripe's answer is unknown, look again every few seconds; the reconciler and webhooks settle it.
  useEffect(() => {
    if (!unsettled) return;
    const timer = setInterval(() => revalidator.state === 'idle' && revalidator.revalidate(), 3000);
    return () => clearInterval(timer);
  }, [unsettled, revalidator]);

  const amount = format.money(attempt.amount, attempt.currency);
  const card = attempt.cardBrand ? labels.card(attempt.cardBrand, attempt.cardLast4) : null;
  let body;
  if (attempt.status === 'succeeded') {
    body = (
      <div className="rounded-md bg-emerald-50 p-4 ring-1 ring-emerald-200" data-testid="receipt">
        <h3 className="font-semibold text-emerald-900">{t('terminal.approved', { amount })}</h3>
        <dl className="mt-2 grid gap-x-6 gap-y-1 text-sm text-emerald-950 sm:grid-cols-2">
          {card ? (
            <>
              <dt className="font-medium">{t('terminal.card')}</dt>
              <dd>{card}</dd>
            </>
          ) : null}
          <dt className="font-medium">{t('terminal.time')}</dt>
          <dd>{format.dateTime(attempt.settledAt ?? attempt.createdAt)}</dd>
          <dt className="font-medium">{t('terminal.paymentIntent')}</dt>
          <dd>
            <code className="text-xs">{attempt.stripePaymentIntentId}</code>
          </dd>
        </dl>
        {attempt.receiptEmail ? <p className="mt-2 text-sm text-emerald-900">{t('terminal.receiptSent', { email: attempt.receiptEmail })}</p> : null}
      </div>
    );
  } else if (attempt.status === 'failed' || attempt.status === 'blocked') {
    body = (
      <div className="rounded-md bg-red-50 p-4 ring-1 ring-red-200" data-testid="decline">
        <h3 className="font-semibold text-red-900">
          {attempt.authenticationRequired ? t('terminal.authTitle') : attempt.status === 'blocked' ? t('terminal.blockedTitle') : t('terminal.declinedTitle')}
        </h3>
        <p className="mt-1 text-red-950">{attempt.messageKey ? t(attempt.messageKey, { countries: allowedCountries }) : null}</p>
        <p className="mt-2 text-xs text-red-900">{[card, labels.decline(attempt)].filter(Boolean).join(' · ')}</p>
        <TechnicalDetails className="mt-1 text-red-900" codes={[attempt.failureCode, attempt.declineCode]} message={attempt.failureMessage} />
      </div>
    );
  } else {
    body = (
      <div className="rounded-md bg-amber-50 p-4 ring-1 ring-amber-200" data-testid="checking">
        <h3 className="font-semibold text-amber-950">{t('terminal.checking')}</h3>
        <p className="mt-1 text-amber-950">{t(UNKNOWN_OUTCOME_KEY)}</p>
        <Form method="post" className="mt-3">
          <input type="hidden" name="intent" value="check" />
          <input type="hidden" name="attemptId" value={attempt.id} />
          <button type="submit" className="btn-secondary">
            {t('terminal.checkNow')}
          </button>
        </Form>
      </div>
    );
  }
  return (
    <div ref={ref} tabIndex={-1} role="status" aria-live="polite" aria-atomic="true" className="outline-none">
      {body}
    </div>
  );
}
