import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { DETECTOR_DEFAULTS } from '~/reports/signal-detector';

import { measureNull, measureStep, VOLUMES } from '../../bench/signal/scenarios';

// The upgrade-signal benchmark (npm run bench:signal) at a reduced size — the first few hundred of its
// seeded histories — with the targets asserted. Full-size figures: README and bench/results.json.

const SPANS = 300;
const STEPS = 150;

describe('upgrade signal benchmark (reduced size)', () => {
  it.each(VOLUMES.flatMap((volume) => (['flat', 'drift'] as const).map((kind) => ({ kind, volume }))))(
    'the rise detector shows a false banner in at most 1% of $kind 90-day spans at $volume a day',
    ({ kind, volume }) => {
      const measure = measureNull({ kind }, volume, SPANS);
      expect(measure.falseDetectorSpans).toBeLessThanOrEqual(0.01);
      // From 300 a day the whole banner meets the target too. At 40 a day the plain 2% rule — kept as the
      // old tests define it (5 failures in 250 attempts turn it on) — does not: see decision 009.
      if (volume >= 300) expect(measure.falseBannerSpans).toBeLessThanOrEqual(0.01);
    },
  );

  it.each([
    { volume: 300, median: 3 },
    { volume: 2_700, median: 2 },
  ])('a 0.5% → 3% step shows the banner within a median of $median days at $volume a day, and always within the horizon', ({ volume, median }) => {
    const step = measureStep(0.03, volume, STEPS);
    expect(step.banner.median).toBeLessThanOrEqual(median);
    expect(step.banner.never).toBe(0);
    expect(step.onBefore).toBeLessThanOrEqual(0.01);
  });

  it('at 40 a day, the rise detector alone catches 0.5% → 3% in a median of 9–10 days (what the data allows)', () => {
    const step = measureStep(0.03, 40, 2 * STEPS);
    // Even with the baseline known exactly, a detector this quiet needs about its alarm level over the
    // daily information (Lorden): 8.3 / (40 · 0.5% · (6 ln 6 − 5)) ≈ 7 days; estimating the baseline
    // from ~15 failures and ignoring rises under 1.25× cost the other two or three.
    expect(step.detector.median).toBeLessThanOrEqual(10);
    expect(step.detector.never).toBeLessThanOrEqual(0.05);
    expect(step.banner.median).toBeLessThanOrEqual(step.detector.median);
  });

  it('says "not enough volume to tell yet" on quiet days at 40 a day instead of staying silent, and never at 2,700 a day', () => {
    const low = measureNull({ kind: 'flat' }, 40, 50);
    expect(low.lowVolumeDays + low.unsureDays).toBeGreaterThan(0.9);
    const high = measureNull({ kind: 'flat' }, 2_700, 50);
    expect(high.lowVolumeDays + high.unsureDays).toBe(0);
  });

  it('is reproducible: the same seeds give the same figures', () => {
    expect(measureStep(0.02, 300, 20)).toEqual(measureStep(0.02, 300, 20));
  });

  it('runs with the parameters the calibration chose (npm run calibrate:signal)', () => {
    const calibration = JSON.parse(readFileSync(new URL('../../bench/signal/calibration.json', import.meta.url), 'utf8')) as {
      chosen: Record<string, number>;
    };
    const { alarmLevel, releaseLevel, indifferenceRatio, baselineTargetAttempts, maxWindowDays, baselineMinDays } = calibration.chosen;
    expect({ alarmLevel, releaseLevel, indifferenceRatio, baselineTargetAttempts, maxWindowDays, baselineMinDays }).toEqual({
      alarmLevel: DETECTOR_DEFAULTS.alarmLevel,
      releaseLevel: DETECTOR_DEFAULTS.releaseLevel,
      indifferenceRatio: DETECTOR_DEFAULTS.indifferenceRatio,
      baselineTargetAttempts: DETECTOR_DEFAULTS.baselineTargetAttempts,
      maxWindowDays: DETECTOR_DEFAULTS.maxWindowDays,
      baselineMinDays: DETECTOR_DEFAULTS.baselineMinDays,
    });
  });
});
