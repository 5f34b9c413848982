/**
 * The upgrade signal (issues 6 and 15): says when authentication-required failures have risen enough
 * that this no-3-D-Secure integration is losing payments and should be upgraded.
 *
 * Two rules, evaluated at the end of every day and replayed day by day so hysteresis has a memory:
 *   - a sequential rise detector built for daily looks (signal-detector.ts): a window-limited GLR scan
 *     of the daily counts against the weeks before the rise, calibrated so that a steady share shows
 *     the banner on at least one day in no more than `alpha` (1%) of 90-day spans;
 *   - the manager's threshold, a plain rule: the `windowDays` (7) share reaches `thresholdShare` (2%).
 * Either shows the banner only when the 7 days hold at least `minFailures` (5) such failures.
 * Why and how: docs/decisions/009-sequential-upgrade-signal.md (which supersedes 004).
 *
 * Pure: the caller counts attempts and authentication-required failures per UTC day (the rollup) and
 * passes them in. Days missing from the series count as zero attempts.
 */
import { fisherRisePValue, validateCounts } from './fisher-exact';
import { daysToConfirm, DETECTOR_DEFAULTS, DetectorData, runDetector, type SignalStatus, STATUSES } from './signal-detector';

export { fisherRisePValue, hypergeometricUpperTail } from './fisher-exact';

export type DailyAuthCounts = {
  /** UTC day, `YYYY-MM-DD`. Several rows for one day are added together. */
  day: string;
  attempts: number;
  authRequired: number;
};

export type UpgradeSignalOptions = {
  /** The plain rule's threshold as a share of attempts (0.02 = 2%). */
  thresholdShare?: number;
  /** Chance that a steady share turns the rise detector on at least once in a 90-day span of daily looks. */
  alpha?: number;
  /** Fewest authentication-required failures in the window for the banner to show. */
  minFailures?: number;
  windowDays?: number;
  /** The period before the window that the banner quotes as "before" (the detector picks its own baseline). */
  baselineDays?: number;
  /** How many days back `since` is searched (it is a lower bound when the banner is on for all of them). */
  sinceLookbackDays?: number;
};

export const UPGRADE_SIGNAL_DEFAULTS = {
  thresholdShare: 0.02,
  alpha: 0.01,
  minFailures: 5,
  windowDays: 7,
  baselineDays: 28,
  sinceLookbackDays: 90,
} as const satisfies Required<UpgradeSignalOptions>;

/** Days replayed before the first day asked for, so the hysteresis state there is the settled one. */
const REPLAY_DAYS = 112;
/** Days of data the detector reads before the first day it replays (its longest baseline). */
const DETECTOR_LOOKBACK_DAYS = DETECTOR_DEFAULTS.baselineMaxDays;

export type UpgradeSignalReason = 'significant_rise' | 'above_threshold' | 'both';

export type PeriodCounts = {
  /** First and last UTC day of the period, inclusive. */
  from: string;
  to: string;
  attempts: number;
  authRequired: number;
  /** authRequired / attempts, or null when the period has no attempts. */
  share: number | null;
};

/** Why the detector says what it says, for the banner and the chart. */
type DetectorState = {
  /** Λ, the evidence of a rise: a log-likelihood ratio, 0 when nothing rose. */
  statistic: number;
  alarmLevel: number;
  releaseLevel: number;
  /** The rise detector holds an alarm (before the minimum-failures check). */
  alarm: boolean;
  /** The plain threshold rule holds (before the minimum-failures check). */
  aboveThreshold: boolean;
  /** The days of the rise the detector sees (since the alarm's start, else the most likely one), or null. */
  rise: PeriodCounts | null;
  /** The weeks that rise is compared with. */
  riseBaseline: PeriodCounts | null;
  /** Average attempts a day over the last 28 days. */
  dailyAttempts: number;
  /** Typical days a 0.5% → 3% rise takes to confirm at that volume; null when beyond the scan's reach. */
  daysToConfirm: number | null;
  /** Fewest authentication-required failures in the window for the banner to show. */
  minFailures: number;
};

/** The signal as evaluated at the end of one day. */
export type UpgradeSignalPoint = {
  day: string;
  on: boolean;
  /** on: the banner; unsure / low_volume: "not enough volume to tell yet"; off: nothing to report. */
  status: SignalStatus;
  reason: UpgradeSignalReason | null;
  window: PeriodCounts;
  baseline: PeriodCounts;
  /** One-look Fisher p-value of window vs baseline (descriptive only: the detector decides); null without attempts in both. */
  pValue: number | null;
  /** The absolute threshold share in force. */
  threshold: number;
  detector: DetectorState;
};

export type UpgradeSignal = Omit<UpgradeSignalPoint, 'day'> & {
  asOf: string;
  /** First day of the current uninterrupted run of ON days; null when the signal is off. */
  since: string | null;
};

/** The signal at the end of `asOf`, with `since`. */
export function evaluateUpgradeSignal(series: readonly DailyAuthCounts[], asOf: string, options: UpgradeSignalOptions = {}): UpgradeSignal {
  const settings = resolveOptions(options);
  const asOfIndex = parseDay(asOf);
  const points = evaluateDays(series, asOfIndex - settings.sinceLookbackDays + 1, asOfIndex, settings);
  const { day: _day, ...today } = points[points.length - 1]!;
  let since: string | null = null;
  for (let i = points.length - 1; i >= 0 && points[i]!.on; i--) since = points[i]!.day;
  return { ...today, asOf, since };
}

/** The signal at the end of every day from `from` to `to` inclusive (for a chart), from one replay. */
export function evaluateUpgradeSignalRange(
  series: readonly DailyAuthCounts[],
  range: { from: string; to: string },
  options: UpgradeSignalOptions = {},
): UpgradeSignalPoint[] {
  const fromIndex = parseDay(range.from);
  const toIndex = parseDay(range.to);
  if (toIndex < fromIndex) throw new RangeError(`Range ends (${range.to}) before it starts (${range.from}).`);
  return evaluateDays(series, fromIndex, toIndex, resolveOptions(options));
}

/** The first day of the series the signal from `from` on depends on (for callers that load the counts). */
export function firstDayNeeded(from: string, options: UpgradeSignalOptions = {}) {
  const { windowDays, baselineDays } = resolveOptions(options);
  return formatDay(parseDay(from) - Math.max(REPLAY_DAYS + DETECTOR_LOOKBACK_DAYS, windowDays + baselineDays - 1));
}

type Settings = Required<UpgradeSignalOptions>;

function evaluateDays(series: readonly DailyAuthCounts[], fromIndex: number, toIndex: number, settings: Settings): UpgradeSignalPoint[] {
  const { windowDays, baselineDays } = settings;
  // A dense day axis from the earliest day any rule reads; days are offsets from `start`.
  const start = fromIndex - Math.max(REPLAY_DAYS + DETECTOR_LOOKBACK_DAYS, windowDays + baselineDays - 1);
  const length = toIndex - start + 1;
  const attempts = new Float64Array(length);
  const failures = new Float64Array(length);
  for (const row of series) {
    validateCounts(row.attempts, row.authRequired, row.day);
    const offset = parseDay(row.day) - start;
    if (offset < 0 || offset >= length) continue;
    attempts[offset] += row.attempts;
    failures[offset] += row.authRequired;
  }
  // The chance that a steady share's span maximum of Λ passes a level falls like e^-level (the calibration
  // measures it), so another alpha moves the calibrated level by ln(0.01 / alpha); the release keeps its ratio.
  const scale = 1 + Math.log(UPGRADE_SIGNAL_DEFAULTS.alpha / settings.alpha) / DETECTOR_DEFAULTS.alarmLevel;
  const data = new DetectorData(attempts, failures, {
    ...DETECTOR_DEFAULTS,
    alarmLevel: DETECTOR_DEFAULTS.alarmLevel * scale,
    releaseLevel: DETECTOR_DEFAULTS.releaseLevel * scale,
    thresholdShare: settings.thresholdShare,
    minFailures: settings.minFailures,
    windowDays,
  });
  const from = fromIndex - start;
  const path = runDetector(data, Math.max(0, from - REPLAY_DAYS), from);
  const period = (a: number, b: number): PeriodCounts => {
    const { attempts: n, failures: x } = data.sum(a, b);
    return { from: formatDay(start + a), to: formatDay(start + b), attempts: n, authRequired: x, share: n > 0 ? x / n : null };
  };

  const points: UpgradeSignalPoint[] = [];
  for (let i = 0; i < length - from; i++) {
    const end = from + i;
    const window = period(end - windowDays + 1, end);
    const baseline = period(end - windowDays - baselineDays + 1, end - windowDays);
    const status = STATUSES[path.status[i]!]!;
    const alarm = path.alarm[i] === 1;
    const aboveThreshold = path.plain[i] === 1;
    const on = status === 'on';
    const reason: UpgradeSignalReason | null = !on ? null : alarm && aboveThreshold ? 'both' : alarm ? 'significant_rise' : 'above_threshold';
    const riseStart = alarm ? path.episodeStart[i]! : path.riseStart[i]!;
    const month = data.sum(end - 27, end);
    const typicalDays = daysToConfirm(month.attempts / 28, data.settings);
    points.push({
      day: formatDay(start + end),
      on,
      status,
      reason,
      window,
      baseline,
      pValue: window.attempts > 0 && baseline.attempts > 0 ? fisherRisePValue(window, baseline) : null,
      threshold: settings.thresholdShare,
      detector: {
        statistic: path.statistic[i]!,
        alarmLevel: data.settings.alarmLevel,
        releaseLevel: data.settings.releaseLevel,
        alarm,
        aboveThreshold,
        rise: riseStart >= 0 ? period(riseStart, end) : null,
        riseBaseline: riseStart >= 0 ? period(data.baselineStart(riseStart), riseStart - 1) : null,
        dailyAttempts: month.attempts / 28,
        daysToConfirm: Number.isFinite(typicalDays) ? typicalDays : null,
        minFailures: settings.minFailures,
      },
    });
  }
  return points;
}

function resolveOptions(options: UpgradeSignalOptions): Settings {
  const settings: Settings = { ...UPGRADE_SIGNAL_DEFAULTS };
  for (const [key, value] of Object.entries(options) as [keyof Settings, number | undefined][]) {
    if (value !== undefined) settings[key] = value;
  }
  const { thresholdShare, alpha, minFailures, windowDays, baselineDays, sinceLookbackDays } = settings;
  if (!(thresholdShare > 0 && thresholdShare <= 1)) throw new RangeError(`thresholdShare must be in (0, 1], got ${thresholdShare}.`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}.`);
  if (!Number.isSafeInteger(minFailures) || minFailures < 0) throw new RangeError(`minFailures must be a non-negative integer, got ${minFailures}.`);
  for (const [name, days] of [
    ['windowDays', windowDays],
    ['baselineDays', baselineDays],
    ['sinceLookbackDays', sinceLookbackDays],
  ] as const) {
    if (!Number.isSafeInteger(days) || days < 1 || days > 3660) throw new RangeError(`${name} must be a whole number of days from 1 to 3660, got ${days}.`);
  }
  return settings;
}

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` (a real calendar day) → days since 1970-01-01. */
function parseDay(day: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!match || Number.isNaN(ms) || formatDay(ms / DAY_MS) !== day) throw new RangeError(`Not a UTC day (YYYY-MM-DD): ${JSON.stringify(day)}.`);
  return ms / DAY_MS;
}

function formatDay(index: number): string {
  return new Date(index * DAY_MS).toISOString().slice(0, 10);
}
