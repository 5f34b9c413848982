import { useTranslation } from 'react-i18next';

import { useFormat } from './use-format';

type Period = { from: string; to: string; attempts: number; authRequired: number; share: number | null };

export type UpgradeSignalView = {
  on: boolean;
  reason: 'significant_rise' | 'above_threshold' | 'both' | null;
  since: string | null;
  window: Period;
  baseline: Period;
  pValue: number | null;
  threshold: number;
  atStake: Partial<Record<'usd' | 'cad', number>>;
};

// Stripe's guide to moving from this integration to one that handles 3-D Secure.
export const STRIPE_UPGRADE_GUIDE = 'https://docs.stripe.com/payments/payment-intents/upgrade-to-handle-actions';
const STRIPE_MOTO_GUIDE = 'https://docs.stripe.com/payments/mail-order-telephone-order-transactions';
const STRIPE_PAYMENT_LINKS = 'https://docs.stripe.com/payment-links';

const REASON_KEYS = {
  significant_rise: 'upgrade.reason.rise',
  above_threshold: 'upgrade.reason.threshold',
  both: 'upgrade.reason.both',
} as const;

/** What is happening, since when, the numbers behind it, the money at stake, and what to do. */
export function UpgradeBanner({ signal }: { signal: UpgradeSignalView }) {
  const { t } = useTranslation();
  const format = useFormat();
  const percent = (v: number | null) =>
    v === null ? '—' : new Intl.NumberFormat(format.locale === 'fr-CA' ? 'fr-CA' : 'en-US', { style: 'percent', maximumFractionDigits: 2 }).format(v);
  const atStake = Object.entries(signal.atStake)
    .map(([currency, amount]) => format.money(amount ?? 0, currency))
    .join(' + ');
  return (
    <section role="alert" aria-labelledby="upgrade-title" className="rounded-lg bg-red-50 p-5 text-red-950 ring-1 ring-red-200" data-testid="upgrade-banner">
      <h2 id="upgrade-title" className="text-lg font-semibold">
        {t('upgrade.title')}
      </h2>
      <p className="mt-1">
        {signal.reason ? t(REASON_KEYS[signal.reason]) : null}{' '}
        {signal.since ? t('upgrade.since', { date: format.date(Date.parse(`${signal.since}T00:00:00Z`)) }) : null}
      </p>
      <ul className="mt-2 list-disc space-y-0.5 pl-5 text-sm">
        <li>
          {t('upgrade.window', { share: percent(signal.window.share), count: signal.window.authRequired, attempts: format.number(signal.window.attempts) })}
        </li>
        <li>
          {t('upgrade.baseline', {
            share: percent(signal.baseline.share),
            count: signal.baseline.authRequired,
            attempts: format.number(signal.baseline.attempts),
          })}
        </li>
        <li>
          {t('upgrade.threshold', {
            threshold: percent(signal.threshold),
            p: signal.pValue === null ? '—' : signal.pValue < 0.0001 ? '< 0.0001' : signal.pValue.toFixed(4),
          })}
        </li>
        {atStake ? <li>{t('upgrade.atStake', { amount: atStake })}</li> : null}
      </ul>
      <p className="mt-3 font-medium">{t('upgrade.whatToDo')}</p>
      <ol className="mt-1 list-decimal space-y-0.5 pl-5 text-sm">
        <li>
          <a className="font-medium underline" href={STRIPE_UPGRADE_GUIDE} target="_blank" rel="noreferrer">
            {t('upgrade.actionUpgrade')}
          </a>
        </li>
        <li>
          <a className="font-medium underline" href={STRIPE_MOTO_GUIDE} target="_blank" rel="noreferrer">
            {t('upgrade.actionMoto')}
          </a>
        </li>
        <li>
          <a className="font-medium underline" href={STRIPE_PAYMENT_LINKS} target="_blank" rel="noreferrer">
            {t('upgrade.actionPaymentLink')}
          </a>
        </li>
      </ol>
    </section>
  );
}
