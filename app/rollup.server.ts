import { and, eq, lt, sql } from 'drizzle-orm';
import { dailyBreakdowns, dailyOutcomes, paymentAttempts } from '../db/schema';
import { isAuthenticationRequired } from './charge-messages';
import type { Db } from './db.server';
import { getDb } from './db.server';

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

export function utcDay(ms: number) {
  return new Date(ms).toISOString().slice(0, 10);
}

// The one SQL spelling of "authentication required", matching isAuthenticationRequired().
export const AUTH_REQUIRED_SQL = `(failure_code in ('authentication_required', 'requires_action_not_handled') or decline_code = 'authentication_not_handled')`;

/** Counts one settled attempt into its day's rows. Call inside the transaction that settles it. */
export function addToRollup(tx: Tx, attempt: SettledAttempt) {
  const day = utcDay(attempt.createdAt);
  const recovered =
    attempt.status === 'succeeded' &&
    tx
      .select({ id: paymentAttempts.id })
      .from(paymentAttempts)
      .where(and(eq(paymentAttempts.invoiceId, attempt.invoiceId), eq(paymentAttempts.status, 'failed'), lt(paymentAttempts.id, attempt.id)))
      .limit(1)
      .get() !== undefined;
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

/** Recounts both rollups from payment_attempts (`npm run db:rebuild-rollup`). */
export function rebuildRollup(db: Db = getDb()) {
  const settled = `from payment_attempts where status in ('succeeded', 'failed', 'blocked')`;
  const day = `strftime('%Y-%m-%d', created_at / 1000, 'unixepoch')`;
  db.transaction((tx) => {
    tx.delete(dailyOutcomes).run();
    tx.delete(dailyBreakdowns).run();
    tx.run(
      sql.raw(`
      insert into daily_outcomes (day, currency, status, failure_code, decline_code, recovered, attempts, amount)
      select ${day}, currency, status, coalesce(failure_code, ''), coalesce(decline_code, ''),
             case when status = 'succeeded' and exists (
               select 1 from payment_attempts f where f.invoice_id = a.invoice_id and f.status = 'failed' and f.id < a.id
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
