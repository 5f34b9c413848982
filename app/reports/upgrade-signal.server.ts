/**
 * The upgrade signal: says when authentication-required failures have risen enough
 * that this no-3-D-Secure integration is losing payments and should be upgraded.
 *
 * ON for a day when, over the `windowDays` (7) days ending that day, either
 *   - the authentication-required share is significantly above the share of the `baselineDays`
 *     (28) days before the window — one-sided Fisher exact test, p < `alpha` (0.01) — or
 *   - the share reaches `thresholdShare` (2% of attempts),
 * and in both cases the window holds at least `minFailures` (5) such failures, so a handful of
 * failures on a quiet week never raises the banner. Why Fisher: docs/decisions/004-upgrade-signal.md.
 *
 * Pure: the caller counts attempts and authentication-required failures per UTC day (the
 * rollup) and passes them in. Days missing from the series count as zero attempts.
 */

export type DailyAuthCounts = {
  /** UTC day, `YYYY-MM-DD`. Several rows for one day are added together. */
  day: string;
  attempts: number;
  authRequired: number;
};

export type UpgradeSignalOptions = {
  /** Absolute threshold as a share of attempts (0.02 = 2%). */
  thresholdShare?: number;
  /** One-sided significance level of the rise test. */
  alpha?: number;
  /** Fewest authentication-required failures in the window for either path to turn the signal on. */
  minFailures?: number;
  windowDays?: number;
  baselineDays?: number;
  /** How many days back `since` is searched (it is a lower bound when the signal is on for all of them). */
  sinceLookbackDays?: number;
};

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

/** The signal as evaluated at the end of one day. */
export type UpgradeSignalPoint = {
  day: string;
  on: boolean;
  reason: UpgradeSignalReason | null;
  window: PeriodCounts;
  baseline: PeriodCounts;
  /** One-sided Fisher exact p-value of "window share > baseline share"; null when either period has no attempts. */
  pValue: number | null;
  /** The absolute threshold share in force. */
  threshold: number;
};

export type UpgradeSignal = Omit<UpgradeSignalPoint, 'day'> & {
  asOf: string;
  /** First day of the current uninterrupted run of ON days; null when the signal is off. */
  since: string | null;
};

export const UPGRADE_SIGNAL_DEFAULTS = {
  thresholdShare: 0.02,
  alpha: 0.01,
  minFailures: 5,
  windowDays: 7,
  baselineDays: 28,
  sinceLookbackDays: 90,
} as const satisfies Required<UpgradeSignalOptions>;

/** The signal at the end of `asOf`, with `since`. */
export function evaluateUpgradeSignal(series: readonly DailyAuthCounts[], asOf: string, options: UpgradeSignalOptions = {}): UpgradeSignal {
  const settings = resolveOptions(options);
  const asOfIndex = parseDay(asOf);
  const points = evaluateDays(series, asOfIndex - settings.sinceLookbackDays + 1, asOfIndex, settings);
  const { day: _day, ...today } = points[points.length - 1];
  let since: string | null = null;
  for (let i = points.length - 1; i >= 0 && points[i].on; i--) since = points[i].day;
  return { ...today, asOf, since };
}

/** The signal at the end of every day from `from` to `to` inclusive (for a chart), in one pass over prefix sums. */
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

type Settings = Required<UpgradeSignalOptions>;

function evaluateDays(series: readonly DailyAuthCounts[], fromIndex: number, toIndex: number, settings: Settings) {
  const { windowDays, baselineDays } = settings;
  // Prefix sums over a dense day axis that starts with the earliest baseline needed.
  const start = fromIndex - windowDays - baselineDays + 1;
  const length = toIndex - start + 1;
  const attempts = new Float64Array(length + 1);
  const failures = new Float64Array(length + 1);
  for (const row of series) {
    validateRow(row);
    const offset = parseDay(row.day) - start;
    if (offset < 0 || offset >= length) continue;
    attempts[offset + 1] += row.attempts;
    failures[offset + 1] += row.authRequired;
  }
  for (let i = 1; i <= length; i++) {
    attempts[i] += attempts[i - 1];
    failures[i] += failures[i - 1];
  }
  // Days are offsets from `start`; period [a, b] inclusive sums prefix[b + 1] - prefix[a].
  const period = (a: number, b: number): PeriodCounts => {
    const n = attempts[b + 1] - attempts[a];
    const x = failures[b + 1] - failures[a];
    return { from: formatDay(start + a), to: formatDay(start + b), attempts: n, authRequired: x, share: n > 0 ? x / n : null };
  };

  const points: UpgradeSignalPoint[] = [];
  for (let day = fromIndex; day <= toIndex; day++) {
    const end = day - start;
    const window = period(end - windowDays + 1, end);
    const baseline = period(end - windowDays - baselineDays + 1, end - windowDays);
    points.push({ day: formatDay(day), ...decide(window, baseline, settings) });
  }
  return points;
}

function decide(window: PeriodCounts, baseline: PeriodCounts, settings: Settings): Omit<UpgradeSignalPoint, 'day'> {
  const pValue = window.attempts > 0 && baseline.attempts > 0 ? fisherRisePValue(window, baseline) : null;
  const enoughFailures = window.authRequired >= settings.minFailures && window.authRequired > 0;
  // p < alpha already implies the window share is the higher one; saying so keeps "rise" literal.
  const rise =
    enoughFailures && pValue !== null && pValue < settings.alpha && window.share !== null && baseline.share !== null && window.share > baseline.share;
  // Comparing the correctly rounded quotient with the threshold (not failures with threshold × attempts)
  // keeps exact ties such as 7 in 100 against 0.07 from flipping on floating-point noise.
  const aboveThreshold = enoughFailures && window.share !== null && window.share >= settings.thresholdShare;
  const reason: UpgradeSignalReason | null = rise && aboveThreshold ? 'both' : rise ? 'significant_rise' : aboveThreshold ? 'above_threshold' : null;
  return { on: reason !== null, reason, window, baseline, pValue, threshold: settings.thresholdShare };
}

/**
 * One-sided Fisher exact test that the window's share exceeds the baseline's:
 * P(X >= window.authRequired) for X ~ Hypergeometric(total attempts, total failures, window attempts),
 * i.e. how often the window would hold this many of all the failures if both periods shared one rate.
 */
export function fisherRisePValue(window: { attempts: number; authRequired: number }, baseline: { attempts: number; authRequired: number }): number {
  for (const period of [window, baseline]) validateCounts(period.attempts, period.authRequired, 'period');
  const population = window.attempts + baseline.attempts;
  const successes = window.authRequired + baseline.authRequired;
  return hypergeometricUpperTail(window.authRequired, population, successes, window.attempts);
}

/**
 * P(X >= k) for X ~ Hypergeometric(N population, K successes, n draws). Sums the pmf from the
 * smaller side of the mode outward (terms shrink monotonically there, so the sum stops once they
 * are negligible); the first term comes from Loader's saddle-point density, the rest from the
 * exact ratio of successive terms.
 */
export function hypergeometricUpperTail(k: number, N: number, K: number, n: number): number {
  if (![k, N, K, n].every(Number.isSafeInteger) || N < 0 || K < 0 || n < 0 || K > N || n > N) {
    throw new RangeError(`Invalid hypergeometric parameters N=${N}, K=${K}, n=${n}, k=${k}.`);
  }
  const low = Math.max(0, n - (N - K));
  const high = Math.min(K, n);
  if (k <= low) return 1;
  if (k > high) return 0;
  const mode = Math.floor(((n + 1) * (K + 1)) / (N + 2));
  const logPmf = (x: number) => logHypergeometricPmf(x, N, K, n);
  // ratio(x) = pmf(x + 1) / pmf(x)
  const ratio = (x: number) => ((K - x) * (n - x)) / ((x + 1) * (N - K - n + x + 1));

  if (k > mode) {
    let term = Math.exp(logPmf(k));
    let sum = term;
    for (let x = k; x < high; x++) {
      term *= ratio(x);
      sum += term;
      if (term <= sum * 1e-17) break;
    }
    return clampProbability(sum);
  }
  // k <= mode: the upper tail holds the bulk; sum the lower tail P(X <= k - 1) instead.
  let term = Math.exp(logPmf(k - 1));
  let sum = term;
  for (let x = k - 1; x > low; x--) {
    term /= ratio(x - 1);
    sum += term;
    if (term <= sum * 1e-17) break;
  }
  return clampProbability(1 - sum);
}

/**
 * ln P(X = x), X ~ Hypergeometric(N, K, n), as a ratio of binomial densities evaluated with
 * Loader's saddle-point method (as R's dhyper does). Subtracting ln-factorials of ~10^5 directly
 * loses about 1e-10 of relative accuracy to cancellation; this keeps it near 1e-14.
 */
function logHypergeometricPmf(x: number, N: number, K: number, n: number): number {
  const p = n / N;
  const q = (N - n) / N;
  return logBinomialDensity(x, K, p, q) + logBinomialDensity(n - x, N - K, p, q) - logBinomialDensity(n, N, p, q);
}

/** ln of C(n, x) p^x q^(n-x) without forming the factorials (Loader 2000). */
function logBinomialDensity(x: number, n: number, p: number, q: number): number {
  if (p === 0) return x === 0 ? 0 : -Infinity;
  if (q === 0) return x === n ? 0 : -Infinity;
  if (x === 0) return n === 0 ? 0 : p < 0.1 ? -deviance(n, n * q) - n * p : n * Math.log(q);
  if (x === n) return q < 0.1 ? -deviance(n, n * p) - n * q : n * Math.log(p);
  const lc = stirlingError(n) - stirlingError(x) - stirlingError(n - x) - deviance(x, n * p) - deviance(n - x, n * q);
  const lf = Math.log(2 * Math.PI) + Math.log(x) + Math.log1p(-x / n);
  return lc - 0.5 * lf;
}

/** x ln(x / m) + m - x, summed as a series when x is close to m (where the direct form cancels). */
function deviance(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    let v = (x - m) / (x + m);
    let sum = (x - m) * v;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const next = sum + ej / (2 * j + 1);
      if (next === sum) return next;
      sum = next;
    }
    return sum;
  }
  return x * Math.log(x / m) + m - x;
}

const LOG_FACTORIAL_TABLE = (() => {
  const table = new Float64Array(171);
  for (let i = 2; i <= 170; i++) table[i] = table[i - 1] + Math.log(i);
  return table;
})();

/** ln(n!) - ln(sqrt(2 pi n) (n / e)^n) for a positive integer n: direct when small, else Stirling's series. */
function stirlingError(n: number): number {
  if (n <= 15) return LOG_FACTORIAL_TABLE[n] - (n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n));
  const inv2 = 1 / (n * n);
  return (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 / 1188)))) / n;
}

function clampProbability(p: number) {
  return Math.min(1, Math.max(0, p));
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

function validateRow(row: DailyAuthCounts) {
  validateCounts(row.attempts, row.authRequired, row.day);
}

function validateCounts(attempts: number, authRequired: number, where: string) {
  if (!Number.isSafeInteger(attempts) || attempts < 0 || !Number.isSafeInteger(authRequired) || authRequired < 0 || authRequired > attempts) {
    throw new RangeError(`Counts for ${where} must be whole numbers with 0 <= authRequired <= attempts (got ${authRequired} of ${attempts}).`);
  }
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
