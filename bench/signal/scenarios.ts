/**
 * The upgrade-signal benchmark's scenarios and measures, run on the app's own detector (signal-detector.ts).
 *
 * Every history has WARMUP_DAYS of 0.5% before the part that is measured, so the detector's baseline
 * and scan are in their settled state. Then:
 *   - flat: 90 days more at 0.5%; a "false banner span" is one with any banner day in those 90 days;
 *   - drift: 90 days going linearly from 0.5% to 0.8% (a slow drift is not a rise to report);
 *   - step: from the first measured day the share is the step's, for STEP_HORIZON_DAYS; the delay is the
 *     number of days from that day to the first banner day (0 = on the evening of the step's first day).
 * Volumes are average attempts a day over an ordinary week (weekdays 1.24×, weekends a third of that),
 * with each history's own growth or decline, maybe a slow spell, and holidays (simulate.ts).
 */
import { DETECTOR_DEFAULTS, DetectorData, type DetectorSettings, runDetector, STATUSES } from '../../app/reports/signal-detector';
import { simulateHistory } from './simulate';

export const WARMUP_DAYS = 112;
export const SPAN_DAYS = 90;
export const STEP_HORIZON_DAYS = 60;
export const VOLUMES = [40, 300, 2_700] as const;
export const STEP_SHARES = [0.01, 0.02, 0.03, 0.06] as const;
const BASE_SHARE = 0.005;
const ON = STATUSES.indexOf('on');
const UNSURE = STATUSES.indexOf('unsure');
const LOW_VOLUME = STATUSES.indexOf('low_volume');

export type Scenario = { kind: 'flat' } | { kind: 'drift' } | { kind: 'step'; to: number };

export function scenarioName(scenario: Scenario, volume: number) {
  const what = scenario.kind === 'step' ? `step 0.5% → ${scenario.to * 100}%` : scenario.kind === 'drift' ? 'drift 0.5% → 0.8%' : 'flat 0.5%';
  return `${what}, ${volume.toLocaleString('en-US')}/day`;
}

function shareFor(scenario: Scenario): (day: number) => number {
  if (scenario.kind === 'flat') return () => BASE_SHARE;
  if (scenario.kind === 'drift') return (day) => (day < WARMUP_DAYS ? BASE_SHARE : BASE_SHARE + (0.003 * (day - WARMUP_DAYS)) / SPAN_DAYS);
  const to = scenario.to;
  return (day) => (day < WARMUP_DAYS ? BASE_SHARE : to);
}

/** A fixed seed per scenario, volume and history index: results reproduce exactly. */
function seedFor(scenario: Scenario, volume: number, index: number, seedBase: number) {
  const kind = scenario.kind === 'flat' ? 1 : scenario.kind === 'drift' ? 2 : 3 + Math.round(scenario.to * 1000);
  return (seedBase + kind * 1_000_003 + volume * 7_919 + index * 104_729) >>> 0;
}

function simulate(scenario: Scenario, volume: number, index: number, seedBase: number, settings: DetectorSettings) {
  const measured = scenario.kind === 'step' ? STEP_HORIZON_DAYS : SPAN_DAYS;
  const history = simulateHistory(seedFor(scenario, volume, index, seedBase), WARMUP_DAYS + measured, volume, shareFor(scenario));
  // The day before the measured part is kept to check that a step was not announced early.
  return runDetector(new DetectorData(history.attempts, history.failures, settings), 0, WARMUP_DAYS - 1);
}

/** The largest Λ over each null span with the alarm disabled: its upper quantiles calibrate the alarm level. */
export function nullSpanMaxima(scenario: Scenario, volume: number, spans: number, settings: DetectorSettings, seedBase = 0) {
  const maxima = new Float64Array(spans);
  const open = { ...settings, alarmLevel: Infinity };
  for (let i = 0; i < spans; i++) {
    const path = simulate(scenario, volume, i, seedBase, open);
    let max = 0;
    for (let d = 1; d < path.statistic.length; d++) max = Math.max(max, path.statistic[d]!);
    maxima[i] = max;
  }
  return maxima;
}

export type NullMeasure = {
  spans: number;
  /** Share of spans with at least one banner day (either rule). */
  falseBannerSpans: number;
  /** Share of spans with at least one banner day from the rise detector. */
  falseDetectorSpans: number;
  /** Share of spans with at least one banner day from the plain threshold rule. */
  falsePlainSpans: number;
  /** Share of days reading "not enough volume to tell yet". */
  unsureDays: number;
  lowVolumeDays: number;
};

export function measureNull(scenario: Scenario, volume: number, spans: number, settings: DetectorSettings = DETECTOR_DEFAULTS, seedBase = 0): NullMeasure {
  let banner = 0;
  let detector = 0;
  let plain = 0;
  let unsure = 0;
  let lowVolume = 0;
  for (let i = 0; i < spans; i++) {
    const path = simulate(scenario, volume, i, seedBase, settings);
    let anyBanner = false;
    let anyDetector = false;
    let anyPlain = false;
    for (let d = 1; d < path.status.length; d++) {
      const on = path.status[d] === ON;
      anyBanner ||= on;
      anyDetector ||= on && path.alarm[d] === 1;
      anyPlain ||= on && path.plain[d] === 1;
      if (path.status[d] === UNSURE) unsure++;
      if (path.status[d] === LOW_VOLUME) lowVolume++;
    }
    banner += anyBanner ? 1 : 0;
    detector += anyDetector ? 1 : 0;
    plain += anyPlain ? 1 : 0;
  }
  const days = spans * SPAN_DAYS;
  return {
    spans,
    falseBannerSpans: banner / spans,
    falseDetectorSpans: detector / spans,
    falsePlainSpans: plain / spans,
    unsureDays: unsure / days,
    lowVolumeDays: lowVolume / days,
  };
}

export type DelayMeasure = { median: number; p90: number; never: number };

export type StepMeasure = {
  steps: number;
  /** Delays of the banner (either rule) and of the rise detector alone; Infinity = not within the horizon. */
  banner: DelayMeasure;
  detector: DelayMeasure;
  /** Share of histories whose banner was already on the day before the step. */
  onBefore: number;
  /** Off days between the first and last banner day of the horizon, per history: the banner's flicker. */
  gapDays: number;
  /** The same for the rise detector's own banner days (its hysteresis at work, without the plain rule). */
  detectorGapDays: number;
  /** Days from the step to the rise detector's release, when it turned on (a lasting rise becomes the new normal). */
  handover: DelayMeasure;
};

/** The q-quantile (nearest rank) of delays, Infinity counting as the largest. */
export function quantile(values: readonly number[], q: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Infinity;
}

function delays(values: number[]): DelayMeasure {
  return { median: quantile(values, 0.5), p90: quantile(values, 0.9), never: values.filter((v) => v === Infinity).length / values.length };
}

export function measureStep(to: number, volume: number, steps: number, settings: DetectorSettings = DETECTOR_DEFAULTS, seedBase = 0): StepMeasure {
  const banner: number[] = [];
  const detector: number[] = [];
  const handover: number[] = [];
  let onBefore = 0;
  let gapDays = 0;
  let detectorGapDays = 0;
  for (let i = 0; i < steps; i++) {
    const path = simulate({ kind: 'step', to }, volume, i, seedBase, settings);
    if (path.status[0] === ON) onBefore++;
    let first = Infinity;
    let firstDetector = Infinity;
    let last = -1;
    let lastDetector = -1;
    let onDays = 0;
    let detectorDays = 0;
    for (let d = 1; d < path.status.length; d++) {
      if (path.status[d] !== ON) continue;
      first = Math.min(first, d - 1);
      last = d - 1;
      onDays++;
      if (path.alarm[d] !== 1) continue;
      firstDetector = Math.min(firstDetector, d - 1);
      lastDetector = d - 1;
      detectorDays++;
    }
    banner.push(first);
    detector.push(firstDetector);
    if (firstDetector !== Infinity) {
      let released = Infinity;
      for (let d = firstDetector + 1; d < path.alarm.length && released === Infinity; d++) if (path.alarm[d] === 0) released = d - 1;
      handover.push(released);
    }
    if (last >= 0) gapDays += last - first + 1 - onDays;
    if (lastDetector >= 0) detectorGapDays += lastDetector - firstDetector + 1 - detectorDays;
  }
  return {
    steps,
    banner: delays(banner),
    detector: delays(detector),
    onBefore: onBefore / steps,
    gapDays: gapDays / steps,
    detectorGapDays: detectorGapDays / steps,
    handover: delays(handover),
  };
}
