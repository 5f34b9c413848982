import { and, eq, gte, sql } from 'drizzle-orm';

import { listPausedStaff } from '~/payments/card-testing.server';
import { getDb } from '~/platform/db.server';
import { listPendingApprovals } from '~/refunds/refund-approvals.server';

import { CURRENCIES, type Currency, paymentAttempts, refunds } from '../../db/schema';

// The money figures on finance's dashboard: today's and this week's charges, refunds and failures.

export type PeriodFigures = { currency: Currency; volume: number; succeeded: number; refunded: number; failures: number };

export type FinanceSummary = { today: PeriodFigures[]; week: PeriodFigures[]; since: { today: number; week: number } };

/** Start of the UTC day and of the UTC week (Monday), in epoch ms. */
export function periodStarts(now = Date.now()) {
  const today = Math.floor(now / 86_400_000) * 86_400_000;
  const weekday = (new Date(today).getUTCDay() + 6) % 7;
  return { today, week: today - weekday * 86_400_000 };
}

/** Today's and this week's volume (succeeded charges), refunds and failures (declined or blocked), per currency. */
export function financeSummary(now = Date.now()): FinanceSummary {
  const since = periodStarts(now);
  return { today: figuresSince(since.today), week: figuresSince(since.week), since };
}

function figuresSince(start: number): PeriodFigures[] {
  const db = getDb();
  const charges = db
    .select({
      currency: paymentAttempts.currency,
      volume: sql<number>`coalesce(sum(case when ${paymentAttempts.status} = 'succeeded' then ${paymentAttempts.amount} else 0 end), 0)`,
      succeeded: sql<number>`sum(case when ${paymentAttempts.status} = 'succeeded' then 1 else 0 end)`,
      failures: sql<number>`sum(case when ${paymentAttempts.status} in ('failed', 'blocked') then 1 else 0 end)`,
    })
    .from(paymentAttempts)
    .where(gte(paymentAttempts.createdAt, start))
    .groupBy(paymentAttempts.currency)
    .all();
  const refunded = db
    .select({ currency: refunds.currency, amount: sql<number>`coalesce(sum(${refunds.amount}), 0)` })
    .from(refunds)
    .where(and(eq(refunds.status, 'succeeded'), gte(refunds.createdAt, start)))
    .groupBy(refunds.currency)
    .all();
  return CURRENCIES.map((currency) => {
    const c = charges.find((r) => r.currency === currency);
    return {
      currency,
      volume: Number(c?.volume ?? 0),
      succeeded: Number(c?.succeeded ?? 0),
      refunded: Number(refunded.find((r) => r.currency === currency)?.amount ?? 0),
      failures: Number(c?.failures ?? 0),
    };
  });
}

/** What needs a manager: refunds waiting for approval, and people whose charging is paused. */
export function managerQueue() {
  return { approvals: listPendingApprovals(), paused: listPausedStaff() };
}
