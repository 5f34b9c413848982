import { useTranslation } from 'react-i18next';

import { type UpgradeSignalView, useRiseLine } from './upgrade-banner';
import { useFormat } from './use-format';

/**
 * What /reports says when the banner is off: "not enough volume to tell yet" (a rule fired on too few
 * failures, a new banner waits for fresh data, or the volume is too low for a rise to show within a
 * week) — never silence — or that nothing is rising, with the detector's evidence either way.
 */
export function SignalNote({ signal }: { signal: UpgradeSignalView }) {
  const { t } = useTranslation();
  const format = useFormat();
  const lookHigher = useRiseLine(signal, 'signal.lookHigher');
  const { detector, window, status } = signal;
  const evidence = t('signal.evidence', { percent: format.percent(detector.statistic / detector.alarmLevel, 0) });
  if (status === 'off') {
    return (
      <p className="rounded-md bg-emerald-50 px-4 py-3 text-sm text-emerald-900 ring-1 ring-emerald-200" data-testid="signal-off">
        {t('reports.signalOff', { share: format.percent(window.share, 2), threshold: format.percent(signal.threshold, 2) })} {evidence}
      </p>
    );
  }
  const windowLine = t(detector.aboveThreshold ? 'signal.aboveThreshold' : 'upgrade.window', {
    share: format.percent(window.share, 2),
    count: window.authRequired,
    attempts: format.number(window.attempts),
    threshold: format.percent(signal.threshold, 2),
  });
  const perDay = format.number(Math.round(detector.dailyAttempts));
  const why =
    status === 'low_volume'
      ? detector.daysToConfirm === null
        ? t('signal.lowVolumeSlow', { perDay })
        : t('signal.lowVolume', { perDay, count: detector.daysToConfirm })
      : window.authRequired < detector.minFailures
        ? t('signal.needFailures', { min: detector.minFailures, count: window.authRequired })
        : t('signal.waiting');
  return (
    <section
      role="status"
      aria-labelledby="signal-unsure-title"
      className="rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-950 ring-1 ring-amber-200"
      data-testid="signal-unsure"
    >
      <h2 id="signal-unsure-title" className="font-semibold">
        {t('signal.unsureTitle')}
      </h2>
      <p className="mt-1">{status === 'unsure' && lookHigher && !detector.aboveThreshold ? lookHigher : windowLine}</p>
      <p className="mt-1">
        {why} {evidence}
      </p>
    </section>
  );
}
