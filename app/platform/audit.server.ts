import { auditEvents } from '../../db/schema';
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
