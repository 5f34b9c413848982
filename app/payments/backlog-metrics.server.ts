import { getSqlite } from '~/platform/db.server';
import { scrapedGauge } from '~/platform/metrics.server';

type Unsettled = { status: 'pending' | 'unknown'; n: number; oldest: number };

/** One indexed query on (status, created_at): a handful of rows whatever the table's size. */
function unsettled() {
  return getSqlite()
    .prepare("select status, count(*) as n, min(created_at) as oldest from payment_attempts where status in ('pending', 'unknown') group by status")
    .all() as Unsettled[];
}

/**
 * The reconciler's backlog, read from the database at each scrape (the database is the truth, not a counter):
 * how many attempts are pending or unknown, how old the oldest is, and how many wait for a person.
 */
export function registerBacklogMetrics() {
  scrapedGauge({ name: 'keyed_unsettled_attempts', help: 'Payment attempts the reconciler has yet to settle, by status', labelNames: ['status'] }, (gauge) => {
    const rows = unsettled();
    for (const status of ['pending', 'unknown'] as const) gauge.set({ status }, rows.find((r) => r.status === status)?.n ?? 0);
  });
  scrapedGauge(
    {
      name: 'keyed_unsettled_attempt_oldest_age_seconds',
      help: 'Age of the oldest pending or unknown attempt, by status (0 when none)',
      labelNames: ['status'],
    },
    (gauge) => {
      const rows = unsettled();
      const now = Date.now();
      for (const status of ['pending', 'unknown'] as const) {
        const row = rows.find((r) => r.status === status);
        gauge.set({ status }, row ? Math.max(0, (now - row.oldest) / 1000) : 0);
      }
    },
  );
  scrapedGauge({ name: 'keyed_attempts_needing_attention', help: 'Unsettled attempts past the re-send window, flagged for a person' }, (gauge) => {
    const row = getSqlite()
      .prepare("select count(*) as n from payment_attempts where status in ('pending', 'unknown') and needs_attention_at is not null")
      .get() as { n: number };
    gauge.set(row.n);
  });
}
