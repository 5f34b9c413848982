/**
 * The maths of the upgrade signal (docs/decisions/009-sequential-upgrade-signal.md), on a dense day axis:
 * day i holds attempts[i] and authentication-required failures[i]. No dates, no I/O: the benchmark runs
 * this exact code on simulated histories, and upgrade-signal.server.ts wraps it for calendar days.
 *
 * Rise detector — a window-limited generalized likelihood ratio (GLR) scan, conditional on the totals:
 * for each candidate start k of a rise (the last `maxWindowDays` days), compare the days [k, t] with the
 * baseline just before k. With X failures in N attempts since k and Y in Nb in the baseline, and
 * failures rare (Poisson), X given X + Y is Binomial(X + Y, π) where π = R·N / (R·N + Nb) when the share
 * since k is R times the baseline's. The statistic is the log-likelihood ratio of "R above R₀" against
 * "R = R₀", maximized over R and k:
 *   Λ(k, t) = X·ln(π̂/π₀) + Y·ln((1 − π̂)/(1 − π₀)),  π̂ = X/(X + Y),  π₀ = R₀N/(R₀N + Nb)  (0 when π̂ ≤ π₀)
 *   Λ_t = max_k Λ(k, t).
 * Conditioning on X + Y makes the baseline's own noise part of the test (a thin baseline is not taken at
 * its word), days without attempts add nothing, and R₀ > 1 leaves slow drifts and small wobbles alone.
 *
 * The banner is a small state machine on top: the alarm turns on at Λ ≥ alarmLevel and holds while
 * Λ ≥ releaseLevel and the last 7 days stay above the share before the rise (hysteresis); once released,
 * the scan restarts after that day and waits `refractoryDays` of fresh data, so a new banner needs new
 * evidence and the banner does not flicker. The manager's threshold is a
 * second, plain rule: the 7-day share reaches it (no hysteresis: holding a noisy level on would only
 * lengthen false banners). Either
 * rule shows the banner only when the 7 days hold at least `minFailures` such failures; short of that
 * the status is "unsure", and when the volume is too low for a typical rise to show within a week it is
 * "low_volume" — both read "not enough volume to tell yet", never silence.
 */

export type DetectorSettings = {
  /** Λ at which the alarm turns on (natural log units). Calibrated by bench/signal/calibrate.ts. */
  alarmLevel: number;
  /** Λ below which an alarm is released. */
  releaseLevel: number;
  /** After a release, days of fresh data the detector needs before it may raise the banner again. */
  refractoryDays: number;
  /** R₀: the rise, as a ratio of the baseline share, that counts as "no real change". */
  indifferenceRatio: number;
  /** The longest rise the scan looks back over (days). */
  maxWindowDays: number;
  /** The baseline spans whole weeks: at least this many days… */
  baselineMinDays: number;
  /** …extended week by week until it holds `baselineTargetAttempts`, up to this many days. */
  baselineMaxDays: number;
  baselineTargetAttempts: number;
  /** The plain rule: the `windowDays` share reaching this turns the banner on (no hysteresis: it is a level). */
  thresholdShare: number;
  /** Fewest authentication-required failures in the last `windowDays` for the banner to show. */
  minFailures: number;
  windowDays: number;
  /** The volume is "too low to tell" when a 0.5% → 3% rise would need more days than this to confirm. */
  lowVolumeDays: number;
};

export const DETECTOR_DEFAULTS: DetectorSettings = {
  alarmLevel: 8.3,
  releaseLevel: 5.5,
  refractoryDays: 7,
  indifferenceRatio: 1.25,
  maxWindowDays: 28,
  baselineMinDays: 21,
  baselineMaxDays: 84,
  baselineTargetAttempts: 3_000,
  thresholdShare: 0.02,
  minFailures: 5,
  windowDays: 7,
  lowVolumeDays: 7,
};

/** What the banner shows: the upgrade banner, "not enough volume to tell yet" (with or without a rise building), or nothing. */
export const STATUSES = ['off', 'low_volume', 'unsure', 'on'] as const;
export type SignalStatus = (typeof STATUSES)[number];

/** The detector's path over days from..to (indices into the input), one entry per day in typed arrays. */
export type DetectorPath = {
  from: number;
  /** Λ_t */
  statistic: Float64Array;
  /** Index into STATUSES. */
  status: Uint8Array;
  alarm: Uint8Array;
  plain: Uint8Array;
  /** k* of Λ_t (the start of the most likely rise), or -1 when Λ_t = 0. */
  riseStart: Int32Array;
  /** First day of the current alarm episode's rise (k* when it turned on), or -1. */
  episodeStart: Int32Array;
};

/** Prefix sums: sum of values[a..b] inclusive is prefix[b + 1] - prefix[a]. Days before 0 count as empty. */
function prefixSums(values: ArrayLike<number>) {
  const prefix = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) prefix[i + 1] = prefix[i]! + values[i]!;
  return prefix;
}

export class DetectorData {
  readonly days: number;
  private readonly attempts: Float64Array;
  private readonly failures: Float64Array;
  constructor(
    attempts: ArrayLike<number>,
    failures: ArrayLike<number>,
    readonly settings: DetectorSettings = DETECTOR_DEFAULTS,
  ) {
    if (attempts.length !== failures.length) throw new RangeError('attempts and failures must cover the same days.');
    this.days = attempts.length;
    this.attempts = prefixSums(attempts);
    this.failures = prefixSums(failures);
  }

  /** Attempts and failures over days a..b inclusive (clamped to the data). */
  sum(a: number, b: number) {
    const lo = Math.max(0, a);
    const hi = Math.min(this.days - 1, b);
    if (hi < lo) return { attempts: 0, failures: 0 };
    return { attempts: this.attempts[hi + 1]! - this.attempts[lo]!, failures: this.failures[hi + 1]! - this.failures[lo]! };
  }

  /** First day of the baseline for a rise starting at k: whole weeks back until the target volume is met. */
  baselineStart(k: number) {
    const { baselineMinDays, baselineMaxDays, baselineTargetAttempts } = this.settings;
    let days = baselineMinDays;
    while (days < baselineMaxDays && this.sum(k - days, k - 1).attempts < baselineTargetAttempts) days += 7;
    return k - Math.min(days, baselineMaxDays);
  }
}

/** Λ(k, t) from the counts (see the module comment). Fractional counts are allowed (expected values). */
function riseStatistic(x: number, n: number, y: number, nb: number, indifferenceRatio: number) {
  if (x <= 0 || n <= 0 || nb <= 0) return 0;
  const pi0 = (indifferenceRatio * n) / (indifferenceRatio * n + nb);
  const total = x + y;
  const piHat = x / total;
  if (piHat <= pi0) return 0;
  return x * Math.log(piHat / pi0) + (y > 0 ? y * Math.log((1 - piHat) / (1 - pi0)) : 0);
}

/** Λ_t and its k*, over rises starting no earlier than `earliest`. */
function scan(data: DetectorData, t: number, earliest: number, baselineStarts: Int32Array) {
  const { maxWindowDays, indifferenceRatio } = data.settings;
  let best = 0;
  let bestStart = -1;
  for (let k = t; k >= Math.max(earliest, t - maxWindowDays + 1); k--) {
    const rise = data.sum(k, t);
    const base = data.sum(baselineStarts[k]!, k - 1);
    const value = riseStatistic(rise.failures, rise.attempts, base.failures, base.attempts, indifferenceRatio);
    if (value > best) {
      best = value;
      bestStart = k;
    }
  }
  return { statistic: best, riseStart: bestStart };
}

/**
 * Days a rise from 0.5% to 3% takes to reach the alarm level at `dailyAttempts`, on expected counts
 * (a typical case, not a promise); Infinity when the scan's window is too short for it.
 */
export function daysToConfirm(dailyAttempts: number, settings: DetectorSettings = DETECTOR_DEFAULTS) {
  if (!(dailyAttempts > 0)) return Infinity;
  const { baselineMinDays, baselineMaxDays, baselineTargetAttempts, maxWindowDays, indifferenceRatio, alarmLevel } = settings;
  let baselineDays = baselineMinDays;
  while (baselineDays < baselineMaxDays && baselineDays * dailyAttempts < baselineTargetAttempts) baselineDays += 7;
  const nb = Math.min(baselineDays, baselineMaxDays) * dailyAttempts;
  for (let d = 1; d <= maxWindowDays; d++) {
    const n = d * dailyAttempts;
    if (riseStatistic(0.03 * n, n, 0.005 * nb, nb, indifferenceRatio) >= alarmLevel) return d;
  }
  return Infinity;
}

/**
 * Runs the detector from day `start` (state off there) to the last day, recording days from..end.
 * The state at a day depends on the days before it, so callers replay a warm-up before `from`.
 */
export function runDetector(data: DetectorData, start: number, from: number): DetectorPath {
  const s = data.settings;
  const length = Math.max(0, data.days - from);
  const path: DetectorPath = {
    from,
    statistic: new Float64Array(length),
    status: new Uint8Array(length),
    alarm: new Uint8Array(length),
    plain: new Uint8Array(length),
    riseStart: new Int32Array(length).fill(-1),
    episodeStart: new Int32Array(length).fill(-1),
  };
  const baselineStarts = new Int32Array(data.days);
  for (let k = Math.max(0, start - s.maxWindowDays); k < data.days; k++) baselineStarts[k] = data.baselineStart(k);

  let alarm = false;
  let earliest = start;
  let quietUntil = start;
  let episodeStart = -1;
  let episodeBaselineShare = 0;
  for (let t = start; t < data.days; t++) {
    const { statistic, riseStart } = scan(data, t, earliest, baselineStarts);
    const week = data.sum(t - s.windowDays + 1, t);
    const weekShare = week.attempts > 0 ? week.failures / week.attempts : 0;

    const pending = !alarm && statistic >= s.alarmLevel && t < quietUntil;
    if (!alarm && statistic >= s.alarmLevel && !pending) {
      alarm = true;
      episodeStart = riseStart;
      const base = data.sum(baselineStarts[riseStart]!, riseStart - 1);
      episodeBaselineShare = base.attempts > 0 ? base.failures / base.attempts : 0;
    } else if (alarm && (statistic < s.releaseLevel || weekShare <= episodeBaselineShare)) {
      // Released: the evidence faded, or the last days are back at the share before the rise.
      alarm = false;
      episodeStart = -1;
      earliest = t + 1;
      quietUntil = t + s.refractoryDays;
    }
    // Comparing the rounded quotient (not failures with threshold × attempts) keeps exact ties such as
    // 7 in 100 against 0.07 from flipping on floating-point noise.
    const plain = week.attempts > 0 && weekShare >= s.thresholdShare;

    if (t < from) continue;
    const i = t - from;
    const enough = week.failures >= s.minFailures && week.failures > 0;
    let status: SignalStatus = 'off';
    if ((alarm || plain) && enough) status = 'on';
    else if (alarm || plain || pending) status = 'unsure';
    else if (lowVolumeAt(data, t)) status = 'low_volume';
    path.statistic[i] = statistic;
    path.status[i] = STATUSES.indexOf(status);
    path.alarm[i] = alarm ? 1 : 0;
    path.plain[i] = plain ? 1 : 0;
    path.riseStart[i] = statistic > 0 ? riseStart : -1;
    path.episodeStart[i] = episodeStart;
  }
  return path;
}

/** Too little volume over the last four weeks for a 0.5% → 3% rise to show within `lowVolumeDays`. */
function lowVolumeAt(data: DetectorData, t: number) {
  const month = data.sum(t - 27, t);
  return daysToConfirm(month.attempts / 28, data.settings) > data.settings.lowVolumeDays;
}
