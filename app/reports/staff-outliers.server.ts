import { and, gte, inArray, sql } from 'drizzle-orm';

import { getDb } from '~/platform/db.server';

import { paymentAttempts, users } from '../../db/schema';
import { fisherRisePValue } from './fisher-exact';

const DAY_MS = 86_400_000;

export type StaffOutlier = { userId: number; name: string; attempts: number; declines: number; declineRate: number; teamRate: number; pValue: number };

// A person is flagged when their decline rate is far above the rest of the team's, not merely unlucky.
const OUTLIER_ALPHA = 0.001;
const OUTLIER_MIN_DECLINES = 5;

/**
 * Staff whose decline rate over the last 24 hours is far above the rest of the team's (card testing or
 * misuse): a one-sided Fisher exact test of each person against everyone else, at p < 0.001.
 */
export function listStaffDeclineOutliers(now = Date.now()): StaffOutlier[] {
  const db = getDb();
  const rows = db
    .select({
      userId: paymentAttempts.userId,
      attempts: sql<number>`count(*)`,
      declines: sql<number>`sum(case when ${paymentAttempts.status} in ('failed', 'blocked') then 1 else 0 end)`,
    })
    .from(paymentAttempts)
    .where(and(gte(paymentAttempts.createdAt, now - DAY_MS), inArray(paymentAttempts.status, ['succeeded', 'failed', 'blocked'])))
    .groupBy(paymentAttempts.userId)
    .all();
  const team = rows.reduce((t, r) => ({ attempts: t.attempts + r.attempts, declines: t.declines + r.declines }), { attempts: 0, declines: 0 });
  const outliers = rows.flatMap((r) => {
    const rest = { attempts: team.attempts - r.attempts, authRequired: team.declines - r.declines };
    if (r.declines < OUTLIER_MIN_DECLINES || rest.attempts === 0) return [];
    const pValue = fisherRisePValue({ attempts: r.attempts, authRequired: r.declines }, rest);
    if (pValue >= OUTLIER_ALPHA) return [];
    return [
      {
        userId: r.userId,
        attempts: r.attempts,
        declines: r.declines,
        declineRate: r.declines / r.attempts,
        teamRate: rest.authRequired / rest.attempts,
        pValue,
      },
    ];
  });
  if (outliers.length === 0) return [];
  const names = new Map(
    db
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(
        inArray(
          users.id,
          outliers.map((o) => o.userId),
        ),
      )
      .all()
      .map((u) => [u.id, u.name]),
  );
  return outliers.map((o) => ({ ...o, name: names.get(o.userId) ?? `#${o.userId}` })).sort((a, b) => a.pValue - b.pValue);
}
