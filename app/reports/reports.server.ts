import { between, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';

import { isAuthenticationRequired } from '~/payments/decline-messages';
import { getDb } from '~/platform/db.server';
import { isUtcDay, shiftDay, utcDay } from '~/platform/utc-day';
import { getSettings } from '~/settings/settings.server';

import { type Currency, dailyBreakdowns, dailyDeclineCohorts, dailyOutcomes, users } from '../../db/schema';
import { RANGE_PRESETS } from './report-range';
import { getSignalHistory } from './upgrade-signal-data.server';

const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 366;

export type ReportRange = { from: string; to: string; preset: (typeof RANGE_PRESETS)[number] | 'custom' };

const dayString = z.string().refine(isUtcDay);

/** ?range=7|30|90, or ?range=custom&from=YYYY-MM-DD&to=YYYY-MM-DD (inclusive, UTC). Errors name the field. */
export function parseReportRange(params: URLSearchParams, today = utcDay(Date.now())): { range: ReportRange; errors: Record<string, string> } {
  const preset = params.get('range') ?? '30';
  if (preset !== 'custom') {
    const days = RANGE_PRESETS.find((n) => String(n) === preset) ?? 30;
    return { range: { from: shiftDay(today, -(days - 1)), to: today, preset: days }, errors: preset === String(days) ? {} : { range: 'reports.errors.range' } };
  }
  const errors: Record<string, string> = {};
  const from = dayString.safeParse(params.get('from'));
  const to = dayString.safeParse(params.get('to'));
  if (!from.success) errors.from = 'reports.errors.date';
  if (!to.success) errors.to = 'reports.errors.date';
  if (from.success && to.success) {
    if (to.data > today) errors.to = 'reports.errors.future';
    else if (from.data > to.data) errors.from = 'reports.errors.order';
    else if ((Date.parse(to.data) - Date.parse(from.data)) / DAY_MS + 1 > MAX_RANGE_DAYS) errors.from = 'reports.errors.tooLong';
  }
  if (Object.keys(errors).length > 0) {
    return { range: { from: shiftDay(today, -29), to: today, preset: 30 }, errors };
  }
  return { range: { from: from.data!, to: to.data!, preset: 'custom' }, errors };
}

type Money = Partial<Record<Currency, number>>;
const addMoney = (money: Money, currency: Currency, amount: number) => {
  money[currency] = (money[currency] ?? 0) + amount;
};

export type DailyPoint = {
  day: string;
  attempts: number;
  succeeded: number;
  failed: number;
  successRate: number | null;
  authRequired: number;
  authShare: number | null;
  /** The share over the 28 days before the last 7, as the upgrade signal quotes it. */
  baselineShare: number | null;
  declines: Record<string, number>;
};

export type BreakdownRow = {
  value: string;
  label: string;
  attempts: number;
  succeeded: number;
  failed: number;
  authRequired: number;
  successRate: number | null;
};

/** The outcome rows from the rollup, already grouped by day, currency, status and code. */
function loadOutcomes(from: string, to: string) {
  return getDb()
    .select({
      day: dailyOutcomes.day,
      currency: dailyOutcomes.currency,
      status: dailyOutcomes.status,
      failureCode: dailyOutcomes.failureCode,
      declineCode: dailyOutcomes.declineCode,
      attempts: dailyOutcomes.attempts,
      amount: dailyOutcomes.amount,
    })
    .from(dailyOutcomes)
    .where(between(dailyOutcomes.day, from, to))
    .all();
}

const TOP_CODES = 6;

export function getReport(range: ReportRange) {
  const { upgrade_threshold_share: thresholdShare } = getSettings();
  const rows = loadOutcomes(range.from, range.to);
  const signal = getSignalHistory(range, thresholdShare);
  const signalDays = new Map(signal.days.map((d) => [d.day, d]));

  const days = new Map<string, DailyPoint>();
  for (let day = range.from; day <= range.to; day = shiftDay(day, 1)) {
    days.set(day, {
      day,
      attempts: 0,
      succeeded: 0,
      failed: 0,
      successRate: null,
      authRequired: 0,
      authShare: null,
      baselineShare: signalDays.get(day)?.baselineShare ?? null,
      declines: {},
    });
  }
  const codeTotals = new Map<string, number>();
  const volume: Money = {};
  const declinedVolume: Money = {};
  for (const row of rows) {
    const point = days.get(row.day);
    if (!point) continue;
    point.attempts += row.attempts;
    if (row.status === 'succeeded') {
      point.succeeded += row.attempts;
      addMoney(volume, row.currency, row.amount);
      continue;
    }
    point.failed += row.attempts;
    addMoney(declinedVolume, row.currency, row.amount);
    const code = isAuthenticationRequired(row) ? 'authentication_required' : row.declineCode || row.failureCode || 'unknown';
    if (code === 'authentication_required') point.authRequired += row.attempts;
    point.declines[code] = (point.declines[code] ?? 0) + row.attempts;
    codeTotals.set(code, (codeTotals.get(code) ?? 0) + row.attempts);
  }
  // A stacked chart stays readable with a handful of series: the rest are grouped as "other".
  const topCodes = [...codeTotals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP_CODES)
    .map(([code]) => code);
  if (codeTotals.has('authentication_required') && !topCodes.includes('authentication_required')) topCodes[TOP_CODES - 1] = 'authentication_required';
  const daily = [...days.values()].map((point) => {
    const declines: Record<string, number> = {};
    for (const [code, n] of Object.entries(point.declines)) {
      const key = topCodes.includes(code) ? code : 'other';
      declines[key] = (declines[key] ?? 0) + n;
    }
    return {
      ...point,
      declines,
      successRate: point.attempts ? point.succeeded / point.attempts : null,
      authShare: point.attempts ? point.authRequired / point.attempts : null,
    };
  });

  const breakdowns = loadBreakdowns(range);
  const revenue = loadRevenue(range);

  const totals = daily.reduce(
    (t, d) => ({
      attempts: t.attempts + d.attempts,
      succeeded: t.succeeded + d.succeeded,
      failed: t.failed + d.failed,
      authRequired: t.authRequired + d.authRequired,
    }),
    { attempts: 0, succeeded: 0, failed: 0, authRequired: 0 },
  );
  return {
    range,
    daily,
    codes: [...topCodes, ...(daily.some((d) => d.declines.other) ? ['other'] : [])],
    breakdowns,
    revenue,
    volume,
    declinedVolume,
    totals,
    thresholdShare,
    signal,
  };
}

/** Attempts, successes and authentication-required declines by card country, card brand and staff member. */
function loadBreakdowns(range: ReportRange) {
  const db = getDb();
  const breakdownRows = db
    .select({
      dimension: dailyBreakdowns.dimension,
      value: dailyBreakdowns.value,
      status: dailyBreakdowns.status,
      authRequired: dailyBreakdowns.authRequired,
      attempts: sql<number>`sum(${dailyBreakdowns.attempts})`,
    })
    .from(dailyBreakdowns)
    .where(between(dailyBreakdowns.day, range.from, range.to))
    .groupBy(dailyBreakdowns.dimension, dailyBreakdowns.value, dailyBreakdowns.status, dailyBreakdowns.authRequired)
    .all();
  const staffIds = [...new Set(breakdownRows.filter((r) => r.dimension === 'staff').map((r) => Number(r.value)))];
  const staffNames = new Map(
    staffIds.length
      ? db
          .select({ id: users.id, name: users.name })
          .from(users)
          .where(inArray(users.id, staffIds))
          .all()
          .map((u) => [String(u.id), u.name])
      : [],
  );
  const breakdowns: Record<'country' | 'brand' | 'staff', BreakdownRow[]> = { country: [], brand: [], staff: [] };
  const index = new Map<string, BreakdownRow>();
  for (const row of breakdownRows) {
    const id = `${row.dimension}|${row.value}`;
    let entry = index.get(id);
    if (!entry) {
      entry = {
        value: row.value,
        label: row.dimension === 'staff' ? (staffNames.get(row.value) ?? `#${row.value}`) : row.value,
        attempts: 0,
        succeeded: 0,
        failed: 0,
        authRequired: 0,
        successRate: null,
      };
      index.set(id, entry);
      breakdowns[row.dimension].push(entry);
    }
    entry.attempts += row.attempts;
    if (row.status === 'succeeded') entry.succeeded += row.attempts;
    else entry.failed += row.attempts;
    if (row.authRequired) entry.authRequired += row.attempts;
  }
  for (const list of Object.values(breakdowns)) {
    for (const entry of list) entry.successRate = entry.attempts ? entry.succeeded / entry.attempts : null;
    list.sort((a, b) => b.attempts - a.attempts);
  }
  return breakdowns;
}

/** Invoices first declined in the range: later paid with another card (recovered), or not (lost). */
function loadRevenue(range: ReportRange) {
  const db = getDb();
  const cohorts = db
    .select({
      currency: dailyDeclineCohorts.currency,
      declinedInvoices: sql<number>`sum(${dailyDeclineCohorts.declinedInvoices})`,
      declinedAmount: sql<number>`sum(${dailyDeclineCohorts.declinedAmount})`,
      recoveredInvoices: sql<number>`sum(${dailyDeclineCohorts.recoveredInvoices})`,
      recoveredAmount: sql<number>`sum(${dailyDeclineCohorts.recoveredAmount})`,
    })
    .from(dailyDeclineCohorts)
    .where(between(dailyDeclineCohorts.day, range.from, range.to))
    .groupBy(dailyDeclineCohorts.currency)
    .all();
  const revenue = cohorts.map((c) => ({
    currency: c.currency,
    recoveredInvoices: c.recoveredInvoices,
    recoveredAmount: c.recoveredAmount,
    lostInvoices: c.declinedInvoices - c.recoveredInvoices,
    lostAmount: c.declinedAmount - c.recoveredAmount,
  }));
  return revenue;
}
