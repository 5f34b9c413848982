// The upgrade-signal benchmark's results as a Markdown table and as the targets, checked.
import { type DelayMeasure, type NullMeasure, type StepMeasure } from './scenarios';

export type SignalResults = {
  nullSpans: (NullMeasure & { kind: 'flat' | 'drift'; volume: number })[];
  steps: (StepMeasure & { to: number; volume: number })[];
};

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const days = (d: number) => (d === Infinity ? '—' : String(d));
const delay = (m: DelayMeasure) => `${days(m.median)} / ${days(m.p90)}`;

/** One row per scenario; null scenarios report false banners, steps report delays (median / p90, in days). */
export function signalTable(results: SignalResults) {
  const lines = [
    '| scenario | volume | false banner spans (either rule) | … rise detector | … 2% threshold rule | "not enough volume" days |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of results.nullSpans) {
    const what = r.kind === 'flat' ? 'flat 0.5%' : 'drift 0.5% → 0.8%';
    lines.push(
      `| ${what} | ${r.volume.toLocaleString('en-US')}/day | ${pct(r.falseBannerSpans)} | ${pct(r.falseDetectorSpans)} | ${pct(r.falsePlainSpans)} | ${pct(r.unsureDays + r.lowVolumeDays)} |`,
    );
  }
  lines.push(
    '',
    '| step | volume | banner delay, median / p90 (days) | banner never | rise detector delay, median / p90 | detector never | on the day before |',
    '|---|---|---|---|---|---|---|',
  );
  for (const r of results.steps) {
    lines.push(
      `| 0.5% → ${r.to * 100}% | ${r.volume.toLocaleString('en-US')}/day | ${delay(r.banner)} | ${pct(r.banner.never)} | ${delay(r.detector)} | ${pct(r.detector.never)} | ${pct(r.onBefore)} |`,
    );
  }
  return lines.join('\n');
}

export type Target = { name: string; value: string; target: string; ok: boolean };

/** The targets: ≤ 1% false-banner spans at every volume (rise detector), and the 0.5% → 3% delays. */
export function signalTargets(results: SignalResults): Target[] {
  const targets: Target[] = [];
  for (const r of results.nullSpans) {
    targets.push({
      name: `rise detector, ${r.kind}, ${r.volume}/day: spans with a false banner day`,
      value: pct(r.falseDetectorSpans),
      target: '≤ 1%',
      ok: r.falseDetectorSpans <= 0.01,
    });
    targets.push({
      name: `banner (either rule), ${r.kind}, ${r.volume}/day: spans with a false banner day`,
      value: pct(r.falseBannerSpans),
      target: '≤ 1%',
      ok: r.falseBannerSpans <= 0.01,
    });
  }
  for (const [volume, limit] of [
    [300, 3],
    [2_700, 2],
  ] as const) {
    const step = results.steps.find((r) => r.volume === volume && r.to === 0.03)!;
    targets.push({
      name: `0.5% → 3% at ${volume}/day: median banner delay`,
      value: `${days(step.banner.median)} days`,
      target: `≤ ${limit} days`,
      ok: step.banner.median <= limit,
    });
  }
  return targets;
}
