import { and, eq, gte, inArray, lte, or, sql } from 'drizzle-orm';

import { AUTH_REQUIRED_DECLINE_CODE, AUTH_REQUIRED_FAILURE_CODES } from '~/payments/decline-messages';
import { getDb } from '~/platform/db.server';

import { CURRENCIES, type Currency, dailyOutcomes, refunds } from '../../db/schema';
import { paymentAttempts } from '../../db/schema';
import type { ChargeFilter } from './filter.server';
import { AUTHENTICATION_REQUIRED_FILTER } from './filter-choices';
import { chargeFilterCondition } from './query.server';

const a = paymentAttempts;

// ——— totals ———

export type CurrencyTotals = { currency: Currency; count: number; succeededCount: number; succeededAmount: number; refundedAmount: number };

export type ChargeTotals = {
  /** `rollup`: from the daily rollup (date, currency, status and code only); `exact`: counted from the attempts. */
  source: 'rollup' | 'exact';
  count: number;
  /** True when more than TOTALS_ROW_CAP attempts match a filter the rollup cannot answer: no sums, narrow the filter. */
  capped: boolean;
  byCurrency: CurrencyTotals[];
};

/** The most attempts an exact total reads (about 100 ms at worst); beyond it finance is asked to narrow the filter. */
export const TOTALS_ROW_CAP = 100_000;

const SETTLED: readonly string[] = ['succeeded', 'failed', 'blocked'];

function rollupCanAnswer(filter: ChargeFilter) {
  const keys = Object.keys(filter) as (keyof ChargeFilter)[];
  return (
    keys.every((k) => k === 'from' || k === 'to' || k === 'currency' || k === 'status' || k === 'code') && (!filter.status || SETTLED.includes(filter.status))
  );
}

/**
 * Count and per-currency succeeded and refunded volume for a filter. Date, currency, status and code filters
 * are answered from daily_outcomes (kept in the settling transaction), plus the few unsettled attempts and the
 * small refunds table; any other filter is counted exactly, reading at most TOTALS_ROW_CAP attempts.
 * See docs/decisions/003-charge-history-at-scale.md.
 */
export function chargeTotals(filter: ChargeFilter): ChargeTotals {
  return rollupCanAnswer(filter) ? totalsFromRollup(filter) : exactTotals(filter);
}

function emptyTotals(currency: Currency): CurrencyTotals {
  return { currency, count: 0, succeededCount: 0, succeededAmount: 0, refundedAmount: 0 };
}

function collect(rows: { currency: Currency; count: number; succeededCount: number; succeededAmount: number; refundedAmount: number }[]) {
  const byCurrency = new Map<Currency, CurrencyTotals>();
  for (const row of rows) {
    const t = byCurrency.get(row.currency) ?? emptyTotals(row.currency);
    t.count += Number(row.count);
    t.succeededCount += Number(row.succeededCount);
    t.succeededAmount += Number(row.succeededAmount);
    t.refundedAmount += Number(row.refundedAmount);
    byCurrency.set(row.currency, t);
  }
  return CURRENCIES.filter((c) => byCurrency.has(c)).map((c) => byCurrency.get(c)!);
}

function totalsFromRollup(filter: ChargeFilter): ChargeTotals {
  const db = getDb();
  const o = dailyOutcomes;
  const code = filter.code;
  // The rollup stores '' for "no code".
  const codeInRollup = !code
    ? undefined
    : code === AUTHENTICATION_REQUIRED_FILTER
      ? or(inArray(o.failureCode, [...AUTH_REQUIRED_FAILURE_CODES]), eq(o.declineCode, AUTH_REQUIRED_DECLINE_CODE))
      : sql`(case when ${o.declineCode} != '' then ${o.declineCode} else ${o.failureCode} end) = ${code}`;
  const settled = db
    .select({
      currency: o.currency,
      count: sql<number>`coalesce(sum(${o.attempts}), 0)`,
      succeededCount: sql<number>`coalesce(sum(case when ${o.status} = 'succeeded' then ${o.attempts} else 0 end), 0)`,
      succeededAmount: sql<number>`coalesce(sum(case when ${o.status} = 'succeeded' then ${o.amount} else 0 end), 0)`,
      refundedAmount: sql<number>`0`,
    })
    .from(o)
    .where(
      and(
        filter.from ? gte(o.day, filter.from) : undefined,
        filter.to ? lte(o.day, filter.to) : undefined,
        filter.currency ? eq(o.currency, filter.currency) : undefined,
        filter.status ? eq(o.status, filter.status as 'succeeded' | 'failed' | 'blocked') : undefined,
        codeInRollup,
      ),
    )
    .groupBy(o.currency)
    .all();
  // Attempts still waiting for an answer are not in the rollup; there are only ever a handful.
  const unsettled = filter.status
    ? []
    : db
        .select({
          currency: a.currency,
          count: sql<number>`count(*)`,
          succeededCount: sql<number>`0`,
          succeededAmount: sql<number>`0`,
          refundedAmount: sql<number>`0`,
        })
        .from(a)
        .where(and(inArray(a.status, ['pending', 'unknown']), chargeFilterCondition(filter)))
        .groupBy(a.currency)
        .all();
  return {
    source: 'rollup',
    count: sumCount([...settled, ...unsettled]),
    capped: false,
    byCurrency: collect([...settled, ...unsettled, ...refundedByCurrency(filter)]),
  };
}

/** Refunded volume of the filtered charges, read from the (small) refunds table. */
function refundedByCurrency(filter: ChargeFilter) {
  // Only succeeded charges are refunded, and they carry no decline code: such filters have nothing refunded.
  if (filter.code || (filter.status && filter.status !== 'succeeded')) return [];
  const { currency, ...rest } = filter;
  if (Object.keys(rest).length === 0) {
    // Nothing to match on the charges: the refunds table alone answers (it carries the currency).
    return getDb()
      .select({
        currency: refunds.currency,
        count: sql<number>`0`,
        succeededCount: sql<number>`0`,
        succeededAmount: sql<number>`0`,
        refundedAmount: sql<number>`coalesce(sum(${refunds.amount}), 0)`,
      })
      .from(refunds)
      .where(and(eq(refunds.status, 'succeeded'), currency ? eq(refunds.currency, currency) : undefined))
      .groupBy(refunds.currency)
      .all();
  }
  return getDb()
    .select({
      currency: a.currency,
      count: sql<number>`0`,
      succeededCount: sql<number>`0`,
      succeededAmount: sql<number>`0`,
      refundedAmount: sql<number>`coalesce(sum(${refunds.amount}), 0)`,
    })
    .from(refunds)
    .innerJoin(a, eq(a.id, refunds.attemptId))
    .where(and(eq(refunds.status, 'succeeded'), chargeFilterCondition(filter)))
    .groupBy(a.currency)
    .all();
}

function sumCount(rows: { count: number }[]) {
  return rows.reduce((n, r) => n + Number(r.count), 0);
}

function exactTotals(filter: ChargeFilter): ChargeTotals {
  const matching = getDb()
    .select({ currency: a.currency, status: a.status, amount: a.amount, amountRefunded: a.amountRefunded })
    .from(a)
    .where(chargeFilterCondition(filter))
    .limit(TOTALS_ROW_CAP + 1)
    .as('matching');
  const rows = getDb()
    .select({
      currency: matching.currency,
      count: sql<number>`count(*)`,
      succeededCount: sql<number>`sum(case when ${matching.status} = 'succeeded' then 1 else 0 end)`,
      succeededAmount: sql<number>`sum(case when ${matching.status} = 'succeeded' then ${matching.amount} else 0 end)`,
      refundedAmount: sql<number>`sum(${matching.amountRefunded})`,
    })
    .from(matching)
    .groupBy(matching.currency)
    .all();
  const count = sumCount(rows);
  if (count > TOTALS_ROW_CAP) return { source: 'exact', count: TOTALS_ROW_CAP, capped: true, byCurrency: [] };
  return { source: 'exact', count, capped: false, byCurrency: collect(rows) };
}
