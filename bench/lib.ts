// Small measuring tools shared by the bench suites.

export type Figure = { name: string; median: number; unit: string; runs?: number; target?: string; ok?: boolean; note?: string };

export function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs fn `runs` times after `warmup` unmeasured runs; returns the median in milliseconds. */
export function timeMedian(fn: () => unknown, runs = 31, warmup = 3) {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    times.push(performance.now() - started);
  }
  return { median: median(times), max: Math.max(...times), runs };
}

/** Samples resident memory every few milliseconds while an async job runs; returns the peak above the start. */
export async function withRssSampling<T>(job: () => Promise<T>, everyMs = 20) {
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, everyMs);
  try {
    const result = await job();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peakGrowthBytes: peak - baseline };
  } finally {
    clearInterval(timer);
  }
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export function printTable(title: string, figures: Figure[]) {
  console.log(`\n${title}`);
  const rows = figures.map((f) => ({
    measure: f.name,
    median: `${f.unit === 'rows/s' ? Math.round(f.median).toLocaleString('en-US') : round(f.median)} ${f.unit}`,
    target: f.target ?? '',
    ok: f.ok === undefined ? '' : f.ok ? 'yes' : 'NO',
    note: f.note ?? '',
  }));
  const widths = Object.keys(rows[0] ?? {}).map((key) => Math.max(key.length, ...rows.map((r) => String(r[key as keyof typeof r]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(Object.keys(rows[0] ?? {})));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(Object.values(r).map(String)));
}
