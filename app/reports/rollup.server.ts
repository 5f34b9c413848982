import { and, asc, eq, lt, sql } from 'drizzle-orm';

import { AUTH_REQUIRED_SQL, isAuthenticationRequired } from '~/payments/decline-messages';
import type { Db } from '~/platform/db.server';
import { getDb } from '~/platform/db.server';
import { utcDay } from '~/platform/utc-day';

import { dailyBreakdowns, dailyDeclineCohorts, dailyOutcomes, paymentAttempts } from '../../db/schema';

type Tx = Pick<Db, 'select' | 'insert'>;

export type SettledAttempt = {
  id: number;
  invoiceId: number;
  userId: number;
  amount: number;
  currency: 'usd' | 'cad';
  createdAt: number;
  status: 'succeeded' | 'failed' | 'blocked';
  cardCountry: string | null;
  cardBrand: string | null;
  failureCode: string | null;
  declineCode: string | null;
};

export { utcDay } from '~/platform/utc-day';

/** Counts one settled attempt into its day's rows. Call inside the transaction that settles it. */
export function addToRollup(tx: Tx, attempt: SettledAttempt) {
  const day = utcDay(attempt.createdAt);
  // The invoice's first declined attempt before this one, if any: it decides recovery and the decline cohort.
  const firstFailure = tx
    .select({ createdAt: paymentAttempts.createdAt })
    .from(paymentAttempts)
    // "+status" keeps SQLite on the invoice index: the (status, created_at) index would scan every failure.
    .where(and(eq(paymentAttempts.invoiceId, attempt.invoiceId), sql`+${paymentAttempts.status} = 'failed'`, lt(paymentAttempts.id, attempt.id)))
    .orderBy(asc(paymentAttempts.id))
    .limit(1)
    .get();
  const recovered = attempt.status === 'succeeded' && firstFailure !== undefined;
  if (attempt.status === 'failed' && !firstFailure) addToCohort(tx, day, attempt, { declined: 1 });
  if (recovered) addToCohort(tx, utcDay(firstFailure.createdAt), attempt, { recovered: 1 });
  tx.insert(dailyOutcomes)
    .values({
      day,
      currency: attempt.currency,
      status: attempt.status,
      failureCode: attempt.failureCode ?? '',
      declineCode: attempt.declineCode ?? '',
      recovered: recovered ? 1 : 0,
      attempts: 1,
      amount: attempt.amount,
    })
    .onConflictDoUpdate({
      target: [dailyOutcomes.day, dailyOutcomes.currency, dailyOutcomes.status, dailyOutcomes.failureCode, dailyOutcomes.declineCode, dailyOutcomes.recovered],
      set: { attempts: sql`${dailyOutcomes.attempts} + 1`, amount: sql`${dailyOutcomes.amount} + ${attempt.amount}` },
    })
    .run();
  const authRequired = isAuthenticationRequired(attempt) ? 1 : 0;
  const dimensions = [
    ['country', attempt.cardCountry ?? ''],
    ['brand', attempt.cardBrand ?? ''],
    ['staff', String(attempt.userId)],
  ] as const;
  for (const [dimension, value] of dimensions) {
    tx.insert(dailyBreakdowns)
      .values({ day, dimension, value, status: attempt.status, authRequired, attempts: 1 })
      .onConflictDoUpdate({
        target: [dailyBreakdowns.day, dailyBreakdowns.dimension, dailyBreakdowns.value, dailyBreakdowns.status, dailyBreakdowns.authRequired],
        set: { attempts: sql`${dailyBreakdowns.attempts} + 1` },
      })
      .run();
  }
}

function addToCohort(tx: Tx, day: string, attempt: SettledAttempt, change: { declined?: 1; recovered?: 1 }) {
  const declined = change.declined ?? 0;
  const recovered = change.recovered ?? 0;
  tx.insert(dailyDeclineCohorts)
    .values({
      day,
      currency: attempt.currency,
      declinedInvoices: declined,
      declinedAmount: declined * attempt.amount,
      recoveredInvoices: recovered,
      recoveredAmount: recovered * attempt.amount,
    })
    .onConflictDoUpdate({
      target: [dailyDeclineCohorts.day, dailyDeclineCohorts.currency],
      set: {
        declinedInvoices: sql`${dailyDeclineCohorts.declinedInvoices} + ${declined}`,
        declinedAmount: sql`${dailyDeclineCohorts.declinedAmount} + ${declined * attempt.amount}`,
        recoveredInvoices: sql`${dailyDeclineCohorts.recoveredInvoices} + ${recovered}`,
        recoveredAmount: sql`${dailyDeclineCohorts.recoveredAmount} + ${recovered * attempt.amount}`,
      },
    })
    .run();
}

/** Recounts every report rollup from payment_attempts (`npm run db:rebuild-rollup`). */
export function rebuildRollup(db: Db = getDb()) {
  // Correlated lookups below write "+status" so SQLite uses the invoice index, not the (status, created_at) one.
  const settled = `from payment_attempts where status in ('succeeded', 'failed', 'blocked')`;
  const day = `strftime('%Y-%m-%d', created_at / 1000, 'unixepoch')`;
  db.transaction((tx) => {
    tx.delete(dailyOutcomes).run();
    tx.delete(dailyBreakdowns).run();
    tx.delete(dailyDeclineCohorts).run();
    tx.run(
      sql.raw(`
      insert into daily_decline_cohorts (day, currency, declined_invoices, declined_amount, recovered_invoices, recovered_amount)
      select day, currency, count(*), sum(amount), sum(recovered), sum(case when recovered = 1 then amount else 0 end)
      from (
        select strftime('%Y-%m-%d', f.created_at / 1000, 'unixepoch') as day, f.currency, f.amount,
               exists (select 1 from payment_attempts s where s.invoice_id = f.invoice_id and +s.status = 'succeeded' and s.id > f.id) as recovered
        from payment_attempts f
        where f.status = 'failed'
          and not exists (select 1 from payment_attempts e where e.invoice_id = f.invoice_id and +e.status = 'failed' and e.id < f.id)
      ) group by day, currency`),
    );
    tx.run(
      sql.raw(`
      insert into daily_outcomes (day, currency, status, failure_code, decline_code, recovered, attempts, amount)
      select ${day}, currency, status, coalesce(failure_code, ''), coalesce(decline_code, ''),
             case when status = 'succeeded' and exists (
               select 1 from payment_attempts f where f.invoice_id = a.invoice_id and +f.status = 'failed' and f.id < a.id
             ) then 1 else 0 end,
             count(*), sum(amount)
      from payment_attempts a where status in ('succeeded', 'failed', 'blocked')
      group by 1, 2, 3, 4, 5, 6`),
    );
    for (const [dimension, value] of [
      ['country', `coalesce(card_country, '')`],
      ['brand', `coalesce(card_brand, '')`],
      ['staff', `cast(user_id as text)`],
    ] as const) {
      tx.run(
        sql.raw(`
        insert into daily_breakdowns (day, dimension, value, status, auth_required, attempts)
        select ${day}, '${dimension}', ${value}, status, case when ${AUTH_REQUIRED_SQL} then 1 else 0 end, count(*)
        ${settled} group by 1, 3, 4, 5`),
      );
    }
  });
}
