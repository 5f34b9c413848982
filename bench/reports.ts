// The /reports loader at scale: everything it computes (report, upgrade signal, staff outliers) per range.
import { utcDay } from '../app/platform/utc-day';
import { getReport, parseReportRange } from '../app/reports/reports.server';
import { listStaffDeclineOutliers } from '../app/reports/staff-outliers.server';
import { getUpgradeSignal } from '../app/reports/upgrade-signal-data.server';
import { type Figure, round, timeMedian } from './lib';

const TARGET_MS = 50;

function loaderFor(query: string, today: string, now: number) {
  return () => {
    const { range } = parseReportRange(new URLSearchParams(query), today);
    return { report: getReport(range), signal: getUpgradeSignal(today), outliers: listStaffDeclineOutliers(now) };
  };
}

export function benchReports(endAt: number): Figure[] {
  const today = utcDay(endAt);
  const cases: [string, string][] = [
    ['/reports loader: last 7 days', 'range=7'],
    ['/reports loader: last 30 days', 'range=30'],
    ['/reports loader: last 90 days', 'range=90'],
    ['/reports loader: custom, 365 days', `range=custom&from=${utcDay(endAt - 364 * 86_400_000)}&to=${today}`],
  ];
  const figures = cases.map(([name, query]): Figure => {
    const timing = timeMedian(loaderFor(query, today, endAt), 21, 2);
    return {
      name,
      median: timing.median,
      unit: 'ms',
      runs: timing.runs,
      target: `≤ ${TARGET_MS} ms`,
      ok: timing.median <= TARGET_MS,
      note: `max ${round(timing.max, 1)} ms`,
    };
  });
  const signal = timeMedian(() => getUpgradeSignal(today), 21, 2);
  figures.push({
    name: 'upgrade signal alone (dashboard banner)',
    median: signal.median,
    unit: 'ms',
    runs: signal.runs,
    note: `max ${round(signal.max, 1)} ms`,
  });
  return figures;
}
