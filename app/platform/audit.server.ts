import { desc, eq, lt } from 'drizzle-orm';

import { auditEvents, users } from '../../db/schema';
import type { Db } from './db.server';
import { getDb } from './db.server';

export type AuditEntry = {
  actorUserId: number | null;
  action: string;
  subjectType?: string;
  subjectId?: string | number;
  ip?: string | null;
  /** Ids, codes and amounts only: never card data, passwords or whole objects. */
  details?: Record<string, unknown>;
};

/** Appends to the audit log. Pass the transaction when the audited change is part of one. */
export function audit(entry: AuditEntry, db: Pick<Db, 'insert'> = getDb()) {
  db.insert(auditEvents)
    .values({
      at: Date.now(),
      actorUserId: entry.actorUserId,
      action: entry.action,
      subjectType: entry.subjectType ?? null,
      subjectId: entry.subjectId === undefined ? null : String(entry.subjectId),
      ip: entry.ip ?? null,
      details: entry.details ?? null,
    })
    .run();
}

export function clientIp(request: Request): string | null {
  // Set by the launcher from Express's req.ip (which honours its trust-proxy setting).
  return request.headers.get('x-keyed-client-ip');
}

const AUDIT_PAGE_SIZE = 50;

export function listAuditEvents({ beforeId }: { beforeId?: number }) {
  const events = getDb()
    .select({
      id: auditEvents.id,
      at: auditEvents.at,
      action: auditEvents.action,
      subjectType: auditEvents.subjectType,
      subjectId: auditEvents.subjectId,
      details: auditEvents.details,
      actorEmail: users.email,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorUserId))
    .where(beforeId ? lt(auditEvents.id, beforeId) : undefined)
    .orderBy(desc(auditEvents.id))
    .limit(AUDIT_PAGE_SIZE + 1)
    .all();
  const hasMore = events.length > AUDIT_PAGE_SIZE;
  const page = events.slice(0, AUDIT_PAGE_SIZE);
  return { events: page, nextBeforeId: hasMore ? page[page.length - 1]!.id : null };
}
