import { and, between, gte, lte, sql } from 'drizzle-orm';

import { AUTH_REQUIRED_SQL } from '~/payments/decline-messages';
import { getDb } from '~/platform/db.server';
import { shiftDay, utcDay } from '~/platform/utc-day';
import { getSettings } from '~/settings/settings.server';

import { type Currency, dailyOutcomes } from '../../db/schema';
import type { SignalStatus } from './signal-detector';
import { type DailyAuthCounts, evaluateUpgradeSignal, evaluateUpgradeSignalRange, firstDayNeeded, UPGRADE_SIGNAL_DEFAULTS } from './upgrade-signal.server';

// The upgrade signal's reads: daily counts from the rollup in, the detector's verdict out (the maths is pure).

const isAuthRequired = sql.raw(`(status = 'failed' and ${AUTH_REQUIRED_SQL})`);

/** Attempts and authentication-required failures per UTC day, summed in SQL from the outcome rollup. */
function loadAuthSeries(from: string, to: string): DailyAuthCounts[] {
  return getDb()
    .select({
      day: dailyOutcomes.day,
      attempts: sql<number>`sum(${dailyOutcomes.attempts})`,
      authRequired: sql<number>`sum(case when ${isAuthRequired} then ${dailyOutcomes.attempts} else 0 end)`,
    })
    .from(dailyOutcomes)
    .where(between(dailyOutcomes.day, from, to))
    .groupBy(dailyOutcomes.day)
    .all();
}

/** The amount of authentication-required declines from `from` to `to`, per currency: the revenue at stake. */
function amountAtStake(from: string, to: string) {
  const rows = getDb()
    .select({ currency: dailyOutcomes.currency, amount: sql<number>`sum(${dailyOutcomes.amount})` })
    .from(dailyOutcomes)
    .where(and(gte(dailyOutcomes.day, from), lte(dailyOutcomes.day, to), isAuthRequired))
    .groupBy(dailyOutcomes.currency)
    .all();
  return Object.fromEntries(rows.map((row) => [row.currency, row.amount])) as Partial<Record<Currency, number>>;
}

/**
 * The upgrade signal as of today, with the numbers behind it and the revenue at stake (authentication-
 * required declines in the 7-day window). Shown on /reports and on the manager's dashboard.
 */
export function getUpgradeSignal(today = utcDay(Date.now())) {
  const { upgrade_threshold_share: thresholdShare } = getSettings();
  const firstLook = shiftDay(today, -(UPGRADE_SIGNAL_DEFAULTS.sinceLookbackDays - 1));
  const signal = evaluateUpgradeSignal(loadAuthSeries(firstDayNeeded(firstLook), today), today, { thresholdShare });
  return { ...signal, atStake: amountAtStake(signal.window.from, today) };
}

/** One day of the detector's path, as the /reports chart and its table show it. */
export type SignalDay = {
  day: string;
  status: SignalStatus;
  /** Λ as a share of the alarm level: 1 = the banner's level. */
  evidence: number;
  /** The last 7 days' authentication-required share, and the 28 days' before them. */
  windowShare: number | null;
  baselineShare: number | null;
};

/** The detector's path over a report's days, and its alarm and release levels as shares of the alarm level. */
export function getSignalHistory(range: { from: string; to: string }, thresholdShare: number) {
  const points = evaluateUpgradeSignalRange(loadAuthSeries(firstDayNeeded(range.from), range.to), range, { thresholdShare });
  const { alarmLevel, releaseLevel } = points[0]!.detector;
  const days: SignalDay[] = points.map((point) => ({
    day: point.day,
    status: point.status,
    evidence: point.detector.statistic / alarmLevel,
    windowShare: point.window.share,
    baselineShare: point.baseline.share,
  }));
  return { days, releaseLevel: releaseLevel / alarmLevel };
}
