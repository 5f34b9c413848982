import { and, eq, lt, sql } from 'drizzle-orm';
import { dailyRollup, paymentAttempts } from '../db/schema';
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

/** Counts one settled attempt into its day's row. Call inside the transaction that settles it. */
export function addToRollup(tx: Tx, attempt: SettledAttempt) {
  const recovered =
    attempt.status === 'succeeded' &&
    tx
      .select({ id: paymentAttempts.id })
      .from(paymentAttempts)
      .where(and(eq(paymentAttempts.invoiceId, attempt.invoiceId), eq(paymentAttempts.status, 'failed'), lt(paymentAttempts.id, attempt.id)))
      .limit(1)
      .get() !== undefined;
  tx.insert(dailyRollup)
    .values({
      day: utcDay(attempt.createdAt),
      currency: attempt.currency,
      userId: attempt.userId,
      cardCountry: attempt.cardCountry ?? '',
      cardBrand: attempt.cardBrand ?? '',
      status: attempt.status,
      failureCode: attempt.failureCode ?? '',
      declineCode: attempt.declineCode ?? '',
      recovered: recovered ? 1 : 0,
      attempts: 1,
      amount: attempt.amount,
    })
    .onConflictDoUpdate({
      target: [dailyRollup.day, dailyRollup.currency, dailyRollup.userId, dailyRollup.cardCountry, dailyRollup.cardBrand, dailyRollup.status, dailyRollup.failureCode, dailyRollup.declineCode, dailyRollup.recovered],
      set: { attempts: sql`${dailyRollup.attempts} + 1`, amount: sql`${dailyRollup.amount} + ${attempt.amount}` },
    })
    .run();
}

/** Recounts the whole rollup from payment_attempts in one statement (`npm run db:rebuild-rollup`). */
export function rebuildRollup(db: Db = getDb()) {
  db.transaction((tx) => {
    tx.delete(dailyRollup).run();
    tx.run(sql`
      insert into daily_rollup (day, currency, user_id, card_country, card_brand, status, failure_code, decline_code, recovered, attempts, amount)
      select strftime('%Y-%m-%d', a.created_at / 1000, 'unixepoch'), a.currency, a.user_id,
             coalesce(a.card_country, ''), coalesce(a.card_brand, ''), a.status,
             coalesce(a.failure_code, ''), coalesce(a.decline_code, ''),
             case when a.status = 'succeeded' and exists (
               select 1 from payment_attempts f where f.invoice_id = a.invoice_id and f.status = 'failed' and f.id < a.id
             ) then 1 else 0 end,
             count(*), sum(a.amount)
      from payment_attempts a
      where a.status in ('succeeded', 'failed', 'blocked')
      group by 1, 2, 3, 4, 5, 6, 7, 8, 9`);
  });
}
