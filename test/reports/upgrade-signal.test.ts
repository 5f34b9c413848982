import { describe, expect, it } from 'vitest';

import { DETECTOR_DEFAULTS } from '~/reports/signal-detector';
import {
  type DailyAuthCounts,
  evaluateUpgradeSignal,
  evaluateUpgradeSignalRange,
  fisherRisePValue,
  hypergeometricUpperTail,
  type UpgradeSignalOptions,
} from '~/reports/upgrade-signal.server';

// ---------------------------------------------------------------------------------------------
// Seeded synthetic histories: a tiny deterministic PRNG and an exact binomial sampler.

/** mulberry32: 32-bit state, good enough equidistribution for simulation, fully deterministic. */
function mulberry32(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Binomial(n, p) by inversion: walks the CDF from 0 with the exact pmf ratio (fine while n*p is small). */
function binomial(random: () => number, n: number, p: number) {
  if (n * p > 500) throw new Error('inversion sampler is meant for small means');
  const u = random();
  const odds = p / (1 - p);
  let k = 0;
  let pmf = Math.pow(1 - p, n);
  let cdf = pmf;
  while (u > cdf && k < n) {
    pmf *= ((n - k) / (k + 1)) * odds;
    k++;
    cdf += pmf;
  }
  return k;
}

const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2026, 0, 1);
const dayAt = (i: number) => new Date(FIRST_DAY + i * DAY_MS).toISOString().slice(0, 10);

/** `days` days from 2026-01-01; each day's attempts are volume ±20% (uniform), failures Binomial(attempts, share(day)). */
function generateHistory({ seed, days, volume, share }: { seed: number; days: number; volume: number; share: (dayIndex: number) => number }) {
  const random = mulberry32(seed);
  const series: DailyAuthCounts[] = [];
  for (let i = 0; i < days; i++) {
    const attempts = Math.round(volume * (0.8 + 0.4 * random()));
    series.push({ day: dayAt(i), attempts, authRequired: binomial(random, attempts, share(i)) });
  }
  return series;
}

const BASE_SHARE = 0.005;
const STEP_SHARE = 0.03;
/** Day index of the step: leaves a full 35-day window + baseline of flat history before it. */
const STEP_DAY = 63;
const stepShare = (i: number) => (i >= STEP_DAY ? STEP_SHARE : BASE_SHARE);

/** Days after the step on which the signal is first on, looking from the step day on; -1 if never. */
function detectionDelay(series: DailyAuthCounts[], lastDay: number) {
  const points = evaluateUpgradeSignalRange(series, { from: dayAt(STEP_DAY), to: dayAt(lastDay) });
  return points.findIndex((point) => point.on);
}

// ---------------------------------------------------------------------------------------------

describe('quality of the signal on seeded generated histories', () => {
  it('turns on in at most 2 of 200 flat histories at 0.5% (300 attempts a day)', () => {
    let on = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const series = generateHistory({ seed, days: 90, volume: 300, share: () => BASE_SHARE });
      if (evaluateUpgradeSignal(series, dayAt(89)).on) on++;
    }
    expect(on).toBeLessThanOrEqual(2);
  });

  it('is on no more often than alpha on any day of flat histories (per-look false-alarm rate)', () => {
    // Every day is a look; Fisher's test keeps each look's false-alarm probability <= alpha.
    // Looks a few days apart share most of their data, so this needs many histories to be stable.
    let onDays = 0;
    let evaluatedDays = 0;
    for (let seed = 1; seed <= 1_000; seed++) {
      const series = generateHistory({ seed, days: 90, volume: 300, share: () => BASE_SHARE });
      const points = evaluateUpgradeSignalRange(series, { from: dayAt(35), to: dayAt(89) });
      onDays += points.filter((point) => point.on).length;
      evaluatedDays += points.length;
    }
    expect(onDays / evaluatedDays).toBeLessThanOrEqual(0.01);
  });

  it.each([
    { volume: 300, seeds: 50 },
    { volume: 2_700, seeds: 20 },
  ])('a step from 0.5% to 3% on day D turns it on by D+3 and keeps it on ($volume attempts a day, $seeds seeds)', ({ volume, seeds }) => {
    let onTheDayBefore = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const series = generateHistory({ seed: 10_000 + seed, days: STEP_DAY + 18, volume, share: stepShare });
      const delay = detectionDelay(series, STEP_DAY + 3);
      expect(delay, `seed ${seed}`).toBeGreaterThanOrEqual(0);
      expect(delay, `seed ${seed}`).toBeLessThanOrEqual(3);
      // Stays on while the 28-day baseline is still mostly pre-step days. (Later, as the baseline
      // fills with 3% days, only the 2% threshold holds it on and a low week can dip under it.)
      const after = evaluateUpgradeSignalRange(series, { from: dayAt(STEP_DAY + 3), to: dayAt(STEP_DAY + 17) });
      expect(
        after.every((point) => point.on),
        `seed ${seed} stays on`,
      ).toBe(true);
      const atD3 = evaluateUpgradeSignal(series, dayAt(STEP_DAY + 3));
      expect(atD3.since! >= dayAt(STEP_DAY - 6) && atD3.since! <= dayAt(STEP_DAY + 3)).toBe(true);
      if (evaluateUpgradeSignal(series, dayAt(STEP_DAY - 1)).on) onTheDayBefore++;
    }
    expect(onTheDayBefore).toBeLessThanOrEqual(1);
  });

  it('at a low volume (40 attempts a day) detects the same step as fast as its few failures allow', () => {
    // By D+3 the window expects only 4·40·3% + 3·40·0.5% ≈ 5.4 authentication-required failures,
    // so the 5-failure floor alone caps detection by D+3 near 60%: it cannot be certain.
    // Measured on these 200 seeds (docs/decisions/004): see the bounds below.
    const delays: number[] = [];
    for (let seed = 1; seed <= 200; seed++) {
      const series = generateHistory({ seed: 20_000 + seed, days: STEP_DAY + 15, volume: 40, share: stepShare });
      delays.push(detectionDelay(series, STEP_DAY + 14));
    }
    const detectedBy = (days: number) => delays.filter((delay) => delay >= 0 && delay <= days).length / delays.length;
    expect(detectedBy(3)).toBeGreaterThanOrEqual(0.4);
    expect(detectedBy(7)).toBeGreaterThanOrEqual(0.85);
    expect(detectedBy(14)).toBeGreaterThanOrEqual(0.97);
  });

  it('stays on through the absolute threshold once the baseline has caught up with a lasting rise', () => {
    const series = generateHistory({ seed: 7, days: STEP_DAY + 45, volume: 300, share: stepShare });
    const late = evaluateUpgradeSignal(series, dayAt(STEP_DAY + 44));
    // The baseline is all 3% days by now, so the rise is no longer significant…
    expect(late.baseline.from >= dayAt(STEP_DAY)).toBe(true);
    expect(late.pValue!).toBeGreaterThanOrEqual(0.01);
    // …but 3% is above the 2% threshold, and the run that began at the step continues.
    expect(late.on).toBe(true);
    expect(late.reason).toBe('above_threshold');
    expect(late.since! <= dayAt(STEP_DAY + 3)).toBe(true);
  });

  it('never turns on with fewer than 5 authentication-required failures in the window (fuzzed)', () => {
    const random = mulberry32(424242);
    let onPoints = 0;
    for (let history = 0; history < 300; history++) {
      const volume = Math.floor(random() * 60);
      const share = random() * 0.5;
      const series = generateHistory({ seed: 30_000 + history, days: 70, volume, share: (i) => (i < 50 ? share / 10 : share) }).filter(() => random() > 0.3); // gaps: days with no attempts at all
      const options: UpgradeSignalOptions = { thresholdShare: 0.005 + random() * 0.2, alpha: 0.001 + random() * 0.2 };
      for (const point of evaluateUpgradeSignalRange(series, { from: dayAt(0), to: dayAt(69) }, options)) {
        if (!point.on) continue;
        onPoints++;
        expect(point.window.authRequired).toBeGreaterThanOrEqual(5);
      }
    }
    expect(onPoints).toBeGreaterThan(100); // the fuzz does reach the on state
  });
});

describe('the 5-failure floor and the absolute threshold', () => {
  const baselineDays = (attempts: number, authRequired: number) =>
    Array.from({ length: 28 }, (_, i) => ({ day: dayAt(i), attempts: i === 0 ? attempts : 0, authRequired: i === 0 ? authRequired : 0 }));
  const windowDay = (attempts: number, authRequired: number) => ({ day: dayAt(34), attempts, authRequired });

  it('2 failures in 50 attempts is 4% but stays off', () => {
    const signal = evaluateUpgradeSignal([windowDay(50, 2)], dayAt(34));
    expect(signal.window.share).toBe(0.04);
    expect(signal).toMatchObject({ on: false, reason: null, since: null });
  });

  it('4 failures stay off even when the rise is overwhelmingly significant', () => {
    const signal = evaluateUpgradeSignal([...baselineDays(100_000, 0), windowDay(10, 4)], dayAt(34));
    expect(signal.pValue!).toBeLessThan(1e-10);
    expect(signal.on).toBe(false);
  });

  it('5 failures in a window with no baseline turn it on by the threshold alone', () => {
    const signal = evaluateUpgradeSignal([windowDay(100, 5)], dayAt(34));
    expect(signal).toMatchObject({ on: true, reason: 'above_threshold', pValue: null, threshold: 0.02, since: dayAt(34) });
  });

  it('a share exactly at the threshold counts as reaching it, despite floating point', () => {
    expect(evaluateUpgradeSignal([windowDay(250, 5)], dayAt(34)).reason).toBe('above_threshold'); // 5/250 = 2%
    expect(evaluateUpgradeSignal([windowDay(100, 7)], dayAt(34), { thresholdShare: 0.07 }).on).toBe(true); // 0.07 * 100 > 7 in doubles
    expect(evaluateUpgradeSignal([windowDay(251, 5)], dayAt(34)).on).toBe(false);
  });

  it('the threshold is configurable and reports both reasons when both hold', () => {
    const series = [...baselineDays(2_800, 14), windowDay(700, 21)]; // 0.5% → 3%
    expect(evaluateUpgradeSignal(series, dayAt(34)).reason).toBe('both');
    expect(evaluateUpgradeSignal(series, dayAt(34), { thresholdShare: 0.05 }).reason).toBe('significant_rise');
    const flatHigh = [...baselineDays(2_800, 84), windowDay(700, 21)]; // 3% → 3%
    expect(evaluateUpgradeSignal(flatHigh, dayAt(34)).reason).toBe('above_threshold');
    expect(evaluateUpgradeSignal(flatHigh, dayAt(34), { thresholdShare: 0.05 }).on).toBe(false);
  });

  it('minFailures is configurable', () => {
    expect(evaluateUpgradeSignal([windowDay(50, 2)], dayAt(34), { minFailures: 2 }).on).toBe(true);
  });
});

describe('fisherRisePValue (one-sided Fisher exact test)', () => {
  it("matches Fisher's tea-tasting table: 17/70", () => {
    expect(fisherRisePValue({ attempts: 4, authRequired: 3 }, { attempts: 4, authRequired: 1 })).toBeCloseTo(17 / 70, 14);
  });

  it('matches a hand-computed small case: 2 of 3 against 0 of 3 is C(4,1)/C(6,3) = 0.2', () => {
    expect(fisherRisePValue({ attempts: 3, authRequired: 2 }, { attempts: 3, authRequired: 0 })).toBeCloseTo(0.2, 14);
  });

  it.each([
    // window failures/attempts, baseline failures/attempts → P(X >= window failures) from scipy 1.17.1 hypergeom.sf
    [40, 2_100, 42, 8_400, 4.401625858090363e-9],
    [26, 2_142, 50, 8_667, 0.0022408468968577316],
    [7, 280, 6, 1_120, 0.006746118903177238],
    [100, 20_000, 400, 80_000, 0.5179257284969938],
    [150, 20_000, 400, 80_000, 2.3427937075575052e-5],
    [5, 51, 961, 95_850, 0.0001642754815280969],
    [522, 17_246, 604, 59_975, 7.278359934265627e-72],
  ])('matches scipy for %i/%i vs %i/%i', (xW, nW, xB, nB, expected) => {
    const p = fisherRisePValue({ attempts: nW, authRequired: xW }, { attempts: nB, authRequired: xB });
    expect(Math.abs(p - expected) / expected).toBeLessThan(1e-11);
  });

  it('agrees with an exact rational computation (BigInt) on random tables', () => {
    const random = mulberry32(99);
    for (let i = 0; i < 40; i++) {
      const nW = 1 + Math.floor(random() * 600);
      const nB = Math.floor(random() * 2_400);
      const xW = Math.floor(random() * Math.min(nW, 30));
      const xB = Math.floor(random() * Math.min(nB + 1, 60));
      const expected = exactUpperTail(xW, nW + nB, xW + xB, nW);
      const p = fisherRisePValue({ attempts: nW, authRequired: xW }, { attempts: nB, authRequired: xB });
      expect(Math.abs(p - expected), `${xW}/${nW} vs ${xB}/${nB}`).toBeLessThanOrEqual(1e-12 * expected + 1e-300);
    }
  });

  it('stays accurate and fast at a year of volume (20,000 attempts a week)', () => {
    const started = performance.now();
    const p = fisherRisePValue({ attempts: 20_000, authRequired: 130 }, { attempts: 80_000, authRequired: 400 });
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(0.01);
    expect(hypergeometricUpperTail(0, 100_000, 530, 20_000)).toBe(1);
    expect(hypergeometricUpperTail(531, 100_000, 530, 20_000)).toBe(0);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('is 1 for no failures at all and for a window share at or below the baseline', () => {
    expect(fisherRisePValue({ attempts: 100, authRequired: 0 }, { attempts: 400, authRequired: 0 })).toBe(1);
    expect(fisherRisePValue({ attempts: 100, authRequired: 0 }, { attempts: 400, authRequired: 20 })).toBe(1);
    expect(fisherRisePValue({ attempts: 100, authRequired: 1 }, { attempts: 400, authRequired: 20 })).toBeGreaterThan(0.9);
  });
});

/** P(X >= k), X ~ Hypergeometric(N, K, n), as an exact fraction of BigInts turned into a double at the end. */
function exactUpperTail(k: number, N: number, K: number, n: number) {
  const choose = (a: number, b: number) => {
    if (b < 0 || b > a) return 0n;
    let result = 1n;
    for (let i = 1; i <= Math.min(b, a - b); i++) result = (result * BigInt(a - Math.min(b, a - b) + i)) / BigInt(i);
    return result;
  };
  let numerator = 0n;
  for (let x = Math.max(k, 0); x <= Math.min(K, n); x++) numerator += choose(K, x) * choose(N - K, n - x);
  const denominator = choose(N, n);
  if (numerator === 0n) return 0;
  const shift = denominator.toString().length - numerator.toString().length + 20;
  return Number((numerator * 10n ** BigInt(shift)) / denominator) / 10 ** shift;
}

describe('windows, gaps and edge cases', () => {
  it('puts the window on the 7 days ending asOf and the baseline on the 28 before', () => {
    const signal = evaluateUpgradeSignal([], '2026-03-31');
    expect(signal.window).toMatchObject({ from: '2026-03-25', to: '2026-03-31' });
    expect(signal.baseline).toMatchObject({ from: '2026-02-25', to: '2026-03-24' });
  });

  it('handles no attempts at all', () => {
    expect(evaluateUpgradeSignal([], '2026-03-31')).toEqual({
      asOf: '2026-03-31',
      on: false,
      reason: null,
      window: { from: '2026-03-25', to: '2026-03-31', attempts: 0, authRequired: 0, share: null },
      baseline: { from: '2026-02-25', to: '2026-03-24', attempts: 0, authRequired: 0, share: null },
      pValue: null,
      threshold: 0.02,
      since: null,
      status: 'low_volume',
      detector: {
        statistic: 0,
        alarmLevel: DETECTOR_DEFAULTS.alarmLevel,
        releaseLevel: DETECTOR_DEFAULTS.releaseLevel,
        alarm: false,
        aboveThreshold: false,
        rise: null,
        riseBaseline: null,
        dailyAttempts: 0,
        daysToConfirm: null,
        minFailures: 5,
      },
    });
  });

  it('gives a p-value only when both periods have attempts', () => {
    expect(evaluateUpgradeSignal([{ day: dayAt(34), attempts: 300, authRequired: 1 }], dayAt(34)).pValue).toBeNull();
    expect(evaluateUpgradeSignal([{ day: dayAt(0), attempts: 300, authRequired: 1 }], dayAt(34)).pValue).toBeNull();
  });

  it('treats missing days as zero days, adds up repeated days, ignores order and days after asOf', () => {
    const full = generateHistory({ seed: 5, days: 80, volume: 30, share: stepShare });
    const dense = full.map((row, i) => (i % 3 === 0 ? { ...row, attempts: 0, authRequired: 0 } : row));
    const sparse = dense.filter((row) => row.attempts > 0);
    const split = sparse.flatMap((row) => [
      { day: row.day, attempts: row.attempts - Math.floor(row.attempts / 2), authRequired: row.authRequired - Math.floor(row.authRequired / 2) },
      { day: row.day, attempts: Math.floor(row.attempts / 2), authRequired: Math.floor(row.authRequired / 2) },
    ]);
    const shuffled = [...split].reverse();
    const range = { from: dayAt(20), to: dayAt(70) };
    const expected = evaluateUpgradeSignalRange(dense, range);
    expect(evaluateUpgradeSignalRange(sparse, range)).toEqual(expected);
    expect(evaluateUpgradeSignalRange(shuffled, range)).toEqual(expected);
    expect(evaluateUpgradeSignal(shuffled, dayAt(70))).toEqual(evaluateUpgradeSignal(dense.slice(0, 71), dayAt(70)));
  });

  it('the range evaluation agrees with evaluating each day on its own', () => {
    const series = generateHistory({ seed: 11, days: STEP_DAY + 20, volume: 120, share: stepShare });
    const points = evaluateUpgradeSignalRange(series, { from: dayAt(40), to: dayAt(STEP_DAY + 19) });
    expect(points).toHaveLength(STEP_DAY + 19 - 40 + 1);
    for (const point of points) {
      const { day, ...rest } = point;
      const { asOf, since: _since, ...single } = evaluateUpgradeSignal(series, day);
      expect(asOf).toBe(day);
      expect(single).toEqual(rest);
    }
  });

  it('since is the first day of the current unbroken run of on days', () => {
    // Quiet baseline, then 6 failures a day from day 40: on from day 40 (threshold and rise).
    const series: DailyAuthCounts[] = Array.from({ length: 60 }, (_, i) => ({ day: dayAt(i), attempts: 100, authRequired: i >= 40 ? 6 : 0 }));
    expect(evaluateUpgradeSignal(series, dayAt(39)).since).toBeNull();
    expect(evaluateUpgradeSignal(series, dayAt(45)).since).toBe(dayAt(40));
    // One day with no failures 7+ days later does not break a run whose window still holds plenty.
    series[50] = { ...series[50], authRequired: 0 };
    expect(evaluateUpgradeSignal(series, dayAt(59)).since).toBe(dayAt(40));
    // A run broken by off days starts again after them: with days 44–51 quiet, the window next
    // holds 5+ failures at 2%+ on day 54 (18 of 700).
    const broken = series.map((row, i) => (i >= 44 && i <= 51 ? { ...row, authRequired: 0 } : row));
    expect(evaluateUpgradeSignal(broken, dayAt(51)).on).toBe(false);
    expect(evaluateUpgradeSignal(broken, dayAt(53)).on).toBe(false);
    expect(evaluateUpgradeSignal(broken, dayAt(59)).since).toBe(dayAt(54));
  });

  it('since looks back only sinceLookbackDays, so a longer run reports the earliest day searched', () => {
    const series: DailyAuthCounts[] = Array.from({ length: 200 }, (_, i) => ({ day: dayAt(i), attempts: 100, authRequired: 6 }));
    expect(evaluateUpgradeSignal(series, dayAt(199)).since).toBe(dayAt(199 - 89));
    expect(evaluateUpgradeSignal(series, dayAt(199), { sinceLookbackDays: 10 }).since).toBe(dayAt(190));
  });

  it('respects other window and baseline lengths', () => {
    const signal = evaluateUpgradeSignal([], '2026-03-31', { windowDays: 14, baselineDays: 56 });
    expect(signal.window).toMatchObject({ from: '2026-03-18', to: '2026-03-31' });
    expect(signal.baseline).toMatchObject({ from: '2026-01-21', to: '2026-03-17' });
  });

  it('rejects malformed input', () => {
    expect(() => evaluateUpgradeSignal([], '2026-02-29')).toThrow(RangeError);
    expect(() => evaluateUpgradeSignal([], '2026-3-01')).toThrow(RangeError);
    expect(() => evaluateUpgradeSignal([{ day: '2026-03-01', attempts: 3, authRequired: 4 }], '2026-03-31')).toThrow(/2026-03-01/);
    expect(() => evaluateUpgradeSignal([{ day: '2026-03-01', attempts: -1, authRequired: 0 }], '2026-03-31')).toThrow(RangeError);
    expect(() => evaluateUpgradeSignal([{ day: '2026-03-01', attempts: 1.5, authRequired: 0 }], '2026-03-31')).toThrow(RangeError);
    expect(() => evaluateUpgradeSignal([], '2026-03-31', { thresholdShare: 0 })).toThrow(/thresholdShare/);
    expect(() => evaluateUpgradeSignal([], '2026-03-31', { alpha: 1 })).toThrow(/alpha/);
    expect(() => evaluateUpgradeSignal([], '2026-03-31', { windowDays: 0 })).toThrow(/windowDays/);
    expect(() => evaluateUpgradeSignalRange([], { from: '2026-03-31', to: '2026-03-01' })).toThrow(RangeError);
    expect(evaluateUpgradeSignal([], '2028-02-29').window.from).toBe('2028-02-23');
  });

  it('evaluates a year at a million attempts quickly', () => {
    const series = generateHistory({ seed: 3, days: 365, volume: 2_740, share: (i) => (i >= 300 ? STEP_SHARE : BASE_SHARE) });
    const started = performance.now();
    const points = evaluateUpgradeSignalRange(series, { from: dayAt(0), to: dayAt(364) });
    const today = evaluateUpgradeSignal(series, dayAt(364));
    const elapsed = performance.now() - started;
    expect(points).toHaveLength(365);
    expect(today.on).toBe(true);
    expect(elapsed).toBeLessThan(250);
  });
});
