// Charge history at scale: the generator's rate, /charges pages, totals and the full CSV export.
import type Database from 'better-sqlite3';

import { chargesCsvStream } from '../app/charges/export-csv.server';
import { type ChargeFilter, parseChargeFilter } from '../app/charges/filter.server';
import { listCharges } from '../app/charges/list.server';
import { chargeTotals } from '../app/charges/totals.server';
import type { HistoryScenario } from '../demo/auth-share';
import { generateHistory } from '../demo/history';
import { type Figure, round, timeMedian, withRssSampling } from './lib';

export type GeneratorOptions = { attempts: number; days: number; scenario: HistoryScenario; seed: number };

/** Fills the database; reports attempts/s (inserting) and all rows/s (attempts + invoices + refunds). */
export async function benchGenerator(sqlite: Database.Database, opts: GeneratorOptions): Promise<Figure[]> {
  const result = await generateHistory(sqlite, opts);
  const rows = result.attempts + result.invoices + result.refunds;
  const insertSeconds = result.insertMs / 1000;
  return [
    {
      name: 'generator: attempts inserted per second',
      median: result.attempts / insertSeconds,
      unit: 'rows/s',
      runs: 1,
      note: `${result.attempts.toLocaleString('en-US')} attempts in ${round(insertSeconds, 1)} s`,
    },
    {
      name: 'generator: all rows per second (attempts, invoices, refunds)',
      median: rows / insertSeconds,
      unit: 'rows/s',
      runs: 1,
      target: '≥ 100,000',
      ok: rows / insertSeconds >= 100_000,
      note: `${rows.toLocaleString('en-US')} rows`,
    },
    { name: 'generator: total incl. statistics and rollup rebuild', median: result.totalMs / 1000, unit: 's', runs: 1 },
  ];
}

/** What a /charges loader does for a URL: parse the filter, read one page. */
function loadPage(query: string, cursor: string | null = null) {
  const { filter } = parseChargeFilter(new URLSearchParams(query));
  return listCharges({ filter, cursor, limit: 50 });
}

/** The whole /charges loader's data work: the page and the filter's totals (what the route calls today). */
function loadPageAndTotals(query: string, cursor: string | null = null) {
  const { filter } = parseChargeFilter(new URLSearchParams(query));
  return [listCharges({ filter, cursor, limit: 50 }), chargeTotals(filter)];
}

function page(name: string, fn: () => unknown, target = '≤ 20 ms'): Figure {
  const t = timeMedian(fn);
  return { name, median: t.median, unit: 'ms', runs: t.runs, target, ok: target ? t.median <= 20 : undefined, note: `max ${round(t.max, 1)} ms` };
}

function utcDay(ms: number) {
  return new Date(ms).toISOString().slice(0, 10);
}

export function benchPages(endAt: number): Figure[] {
  // Page 2,000 (rows 99,951–100,000) reached by following cursors, as a person clicking "older" would.
  let cursor: string | null = null;
  for (let i = 1; i < 2000; i++) cursor = loadPage('', cursor).nextCursor;
  const deep = cursor;
  const from = utcDay(endAt - 89 * 86_400_000);
  const to = utcDay(endAt);
  const someInvoice = loadPage('', deep).rows[0]?.invoiceNumber ?? 'INV-1001';
  return [
    page('/charges first page', () => loadPage('')),
    page('/charges page 2,000 (by cursor)', () => loadPage('', deep)),
    page('/charges filtered: insufficient_funds + USD + 90 days', () => loadPage(`code=insufficient_funds&currency=usd&from=${from}&to=${to}`)),
    page('/charges filtered: authentication required', () => loadPage('code=authentication_required')),
    page('/charges filtered: failed + CAD + amount ≥ 500.00', () => loadPage('status=failed&currency=cad&min=500')),
    page('/charges filtered: staff member', () => loadPage('user=3')),
    page('/charges search: invoice number', () => loadPage(`q=${someInvoice}`)),
    page('/charges search: full customer name (trigram index)', () => loadPage('q=Olivia%20Tremblay'), ''),
    page('/charges search: common surname, ~3% of invoices (trigram index)', () => loadPage('q=tremblay'), ''),
    page('/charges loader with totals: first page', () => loadPageAndTotals('')),
    page('/charges loader with totals: page 2,000', () => loadPageAndTotals('', deep)),
    page('/charges loader with totals: insufficient_funds + USD + 90 days', () =>
      loadPageAndTotals(`code=insufficient_funds&currency=usd&from=${from}&to=${to}`),
    ),
  ];
}

export function benchTotals(endAt: number): Figure[] {
  const from = utcDay(endAt - 89 * 86_400_000);
  const cases: [string, ChargeFilter][] = [
    ['totals: everything (rollup)', {}],
    ['totals: insufficient_funds + USD + 90 days (rollup)', { code: 'insufficient_funds', currency: 'usd', from }],
    ['totals: staff member, 90 days (exact)', { userId: 3, from }],
    ['totals: card brand, all time (exact, capped)', { brand: 'amex' }],
  ];
  return cases.map(([name, filter]) => {
    const t = timeMedian(() => chargeTotals(filter), 11, 1);
    const totals = chargeTotals(filter);
    return {
      name,
      median: t.median,
      unit: 'ms',
      runs: t.runs,
      note: `${totals.source}${totals.capped ? ', capped' : ''}, ${totals.count.toLocaleString('en-US')} charges`,
    };
  });
}

async function drain(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return bytes;
    bytes += value.byteLength;
  }
}

/** The CSV of every charge, read as fast as a client can; wall time and peak RSS growth over the runs. */
export async function benchExport(runs = 3): Promise<Figure[]> {
  const times: number[] = [];
  const growth: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const { result, peakGrowthBytes } = await withRssSampling(() => drain(chargesCsvStream({})));
    times.push((performance.now() - started) / 1000);
    growth.push(peakGrowthBytes / 1024 / 1024);
    bytes = result;
  }
  const sorted = [...times].sort((a, b) => a - b);
  const medianSeconds = sorted[Math.floor(runs / 2)]!;
  const peak = Math.max(...growth);
  return [
    {
      name: 'CSV export of all charges: wall time',
      median: medianSeconds,
      unit: 's',
      runs,
      target: '≤ 15 s',
      ok: medianSeconds <= 15,
      note: `${round(bytes / 1024 / 1024, 1)} MB of CSV`,
    },
    { name: 'CSV export: peak RSS growth (worst run)', median: peak, unit: 'MB', runs, target: '≤ 100 MB', ok: peak <= 100 },
  ];
}
