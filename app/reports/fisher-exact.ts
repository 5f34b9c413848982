/**
 * One-sided Fisher exact test and the hypergeometric tail behind it (moved from the first upgrade signal,
 * docs/decisions/004-upgrade-signal.md). Used for the descriptive 7-day-vs-28-day p-value the signal
 * still reports and for the staff decline outliers.
 */

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

/** Whole numbers with 0 <= authRequired <= attempts, or a RangeError naming `where`. */
export function validateCounts(attempts: number, authRequired: number, where: string) {
  if (!Number.isSafeInteger(attempts) || attempts < 0 || !Number.isSafeInteger(authRequired) || authRequired < 0 || authRequired > attempts) {
    throw new RangeError(`Counts for ${where} must be whole numbers with 0 <= authRequired <= attempts (got ${authRequired} of ${attempts}).`);
  }
}
