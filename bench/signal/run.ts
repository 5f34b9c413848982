// `npm run bench:signal`: the upgrade signal's detector on simulated histories (bench/signal/scenarios.ts),
// at full size. Prints a table (also as Markdown, for the README) and stores the figures under the
// "signal" key of bench/results.json, leaving the other benchmarks' keys as they are.
//   npm run bench:signal -- [--spans 2000] [--steps 1000]
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';

import { DETECTOR_DEFAULTS } from '../../app/reports/signal-detector';
import { type SignalResults, signalTable, signalTargets } from './report';
import { measureNull, measureStep, scenarioName, SPAN_DAYS, STEP_HORIZON_DAYS, STEP_SHARES, VOLUMES, WARMUP_DAYS } from './scenarios';

const { values } = parseArgs({ options: { spans: { type: 'string', default: '2000' }, steps: { type: 'string', default: '1000' } } });
const spans = Number(values.spans);
const steps = Number(values.steps);
const started = performance.now();

const results: SignalResults = { nullSpans: [], steps: [] };
for (const volume of VOLUMES) {
  for (const kind of ['flat', 'drift'] as const) {
    console.log(`${scenarioName({ kind }, volume)} …`);
    results.nullSpans.push({ kind, volume, ...measureNull({ kind }, volume, spans) });
  }
  for (const to of STEP_SHARES) {
    console.log(`${scenarioName({ kind: 'step', to }, volume)} …`);
    results.steps.push({ to, volume, ...measureStep(to, volume, steps) });
  }
}

const table = signalTable(results);
const targets = signalTargets(results);
console.log(`\n${table}\n`);
for (const target of targets) console.log(`${target.ok ? 'ok ' : 'NO '} ${target.name}: ${target.value} (target ${target.target})`);
const seconds = Math.round((performance.now() - started) / 1000);
console.log(`\n${spans} spans per null scenario, ${steps} histories per step; ${seconds} s.`);

const resultsPath = new URL('../results.json', import.meta.url);
let previous: Record<string, unknown> = {};
try {
  previous = JSON.parse(readFileSync(resultsPath, 'utf8')) as Record<string, unknown>;
} catch {
  previous = {};
}
const signal = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 1024 ** 3), node: process.version },
  setup: { spans, steps, spanDays: SPAN_DAYS, warmupDays: WARMUP_DAYS, stepHorizonDays: STEP_HORIZON_DAYS, seconds, detector: DETECTOR_DEFAULTS },
  ...results,
  targets,
};
// Infinity (a step never caught within the horizon) is stored as null.
writeFileSync(resultsPath, `${JSON.stringify({ ...previous, signal }, (_key, value: unknown) => (value === Infinity ? null : value), 2)}\n`);
console.log(`Wrote the "signal" key of ${resultsPath.pathname}`);
