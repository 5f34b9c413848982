import { useTranslation } from 'react-i18next';

import type { UpgradeSignal } from '~/reports/upgrade-signal.server';

import { useFormat } from './use-format';

export type UpgradeSignalView = UpgradeSignal & { atStake: Partial<Record<'usd' | 'cad', number>> };

// Stripe's guide to moving from this integration to one that handles 3-D Secure.
export const STRIPE_UPGRADE_GUIDE = 'https://docs.stripe.com/payments/payment-intents/upgrade-to-handle-actions';
const STRIPE_MOTO_GUIDE = 'https://docs.stripe.com/payments/mail-order-telephone-order-transactions';
const STRIPE_PAYMENT_LINKS = 'https://docs.stripe.com/payment-links';

const REASON_KEYS = {
  significant_rise: 'upgrade.reason.rise',
  above_threshold: 'upgrade.reason.threshold',
  both: 'upgrade.reason.both',
} as const;

/** "What moved": the share before the rise the detector sees and since it began; null when it sees none. */
export function useRiseLine(signal: UpgradeSignalView, key: 'upgrade.moved' | 'signal.lookHigher') {
  const { t } = useTranslation();
  const format = useFormat();
  const { rise, riseBaseline } = signal.detector;
  if (!rise || !riseBaseline) return null;
  return t(key, {
    before: format.percent(riseBaseline.share, 2),
    from: format.day(riseBaseline.from),
    to: format.day(riseBaseline.to),
    after: format.percent(rise.share, 2),
    start: format.day(rise.from),
    count: rise.authRequired,
    attempts: format.number(rise.attempts),
  });
}

/** The banner: what is happening, since when, what moved, how sure, the money at stake, and what to do. */
export function UpgradeBanner({ signal }: { signal: UpgradeSignalView }) {
  const { t } = useTranslation();
  const format = useFormat();
  const moved = useRiseLine(signal, 'upgrade.moved');
  const { detector, window, baseline } = signal;
  const atStake = Object.entries(signal.atStake)
    .map(([currency, amount]) => format.money(amount ?? 0, currency))
    .join(' + ');
  const times = new Intl.NumberFormat(format.locale === 'fr-CA' ? 'fr-CA' : 'en-US', { maximumFractionDigits: 1 }).format(
    detector.statistic / detector.alarmLevel,
  );
  return (
    <section role="alert" aria-labelledby="upgrade-title" className="rounded-lg bg-red-50 p-5 text-red-950 ring-1 ring-red-200" data-testid="upgrade-banner">
      <h2 id="upgrade-title" className="text-lg font-semibold">
        {t('upgrade.title')}
      </h2>
      <p className="mt-1">
        {signal.reason ? t(REASON_KEYS[signal.reason]) : null} {signal.since ? t('upgrade.since', { date: format.day(signal.since) }) : null}
      </p>
      <ul className="mt-2 list-disc space-y-0.5 pl-5 text-sm">
        {moved && detector.alarm ? <li data-testid="upgrade-moved">{moved}</li> : null}
        <li data-testid="upgrade-sure">
          {detector.alarm
            ? t('upgrade.sureDetector', { times })
            : t('upgrade.sureThreshold', { percent: format.percent(detector.statistic / detector.alarmLevel, 0) })}
        </li>
        <li>{t('upgrade.window', { share: format.percent(window.share, 2), count: window.authRequired, attempts: format.number(window.attempts) })}</li>
        <li>{t('upgrade.baseline', { share: format.percent(baseline.share, 2), count: baseline.authRequired, attempts: format.number(baseline.attempts) })}</li>
        <li>{t('upgrade.threshold', { threshold: format.percent(signal.threshold, 2) })}</li>
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
