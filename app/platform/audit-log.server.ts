import { and, desc, eq, gte, inArray, isNull, lt, type SQL } from 'drizzle-orm';
import { z } from 'zod';

import { auditEvents, invoices, paymentAttempts, users } from '../../db/schema';
import { auditActionInfo } from './audit-actions';
import { getDb } from './db.server';
import { DAY_MS, isUtcDay } from './utc-day';

// Reading the audit log: filters (person, action, dates) from the URL, newest first, paged by id.

export const AUDIT_PAGE_SIZE = 50;

/** `actor` is a user id, or "system" for what Keyed did by itself (no person). */
export type AuditFilter = { actor?: number | 'system'; action?: string; from?: string; to?: string };
type AuditFilterError = 'invalid_actor' | 'invalid_action' | 'invalid_date' | 'before_from';
export type AuditFilterErrors = Partial<Record<'actor' | 'action' | 'from' | 'to', AuditFilterError>>;

/** Reads the filter from the query string; a bad value is reported for its field (and left out of the filter). */
export function parseAuditFilter(params: URLSearchParams): { filter: AuditFilter; errors: AuditFilterErrors; beforeId: number | null } {
  const filter: AuditFilter = {};
  const errors: AuditFilterErrors = {};
  const actor = params.get('actor')?.trim();
  if (actor === 'system') filter.actor = 'system';
  else if (actor) {
    const id = z.coerce.number().int().positive().safeParse(actor);
    if (id.success && /^\d+$/.test(actor)) filter.actor = id.data;
    else errors.actor = 'invalid_actor';
  }
  const action = params.get('action')?.trim();
  if (action) {
    if (auditActionInfo(action)) filter.action = action;
    else errors.action = 'invalid_action';
  }
  for (const field of ['from', 'to'] as const) {
    const value = params.get(field)?.trim();
    if (!value) continue;
    if (isUtcDay(value)) filter[field] = value;
    else errors[field] = 'invalid_date';
  }
  if (filter.from && filter.to && filter.to < filter.from) {
    errors.to = 'before_from';
    delete filter.to;
  }
  const before = params.get('before');
  const beforeId = before && /^[1-9]\d{0,15}$/.test(before) && Number.isSafeInteger(Number(before)) ? Number(before) : null;
  return { filter, errors, beforeId };
}

export function auditFilterToSearchParams(filter: AuditFilter) {
  const params = new URLSearchParams();
  if (filter.actor !== undefined) params.set('actor', String(filter.actor));
  if (filter.action) params.set('action', filter.action);
  if (filter.from) params.set('from', filter.from);
  if (filter.to) params.set('to', filter.to);
  return params;
}

function conditions(filter: AuditFilter, beforeId: number | null) {
  const where: SQL[] = [];
  if (filter.actor === 'system') where.push(isNull(auditEvents.actorUserId));
  else if (filter.actor !== undefined) where.push(eq(auditEvents.actorUserId, filter.actor));
  if (filter.action) where.push(eq(auditEvents.action, filter.action));
  // Days are UTC days, like every date filter in Keyed; `to` includes its whole day.
  if (filter.from) where.push(gte(auditEvents.at, Date.parse(`${filter.from}T00:00:00Z`)));
  if (filter.to) where.push(lt(auditEvents.at, Date.parse(`${filter.to}T00:00:00Z`) + DAY_MS));
  if (beforeId) where.push(lt(auditEvents.id, beforeId));
  return where.length ? and(...where) : undefined;
}

export type AuditSubject = { type: 'charge' | 'invoice' | 'user' | 'setting'; id: string; label: string; href: string };

/** One page of events, newest first (keyset paging by id), each with its subject named and linked. */
export function listAuditEvents({ filter = {}, beforeId = null }: { filter?: AuditFilter; beforeId?: number | null }) {
  const rows = getDb()
    .select({
      id: auditEvents.id,
      at: auditEvents.at,
      action: auditEvents.action,
      actorUserId: auditEvents.actorUserId,
      actorName: users.name,
      subjectType: auditEvents.subjectType,
      subjectId: auditEvents.subjectId,
      ip: auditEvents.ip,
      details: auditEvents.details,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorUserId))
    .where(conditions(filter, beforeId))
    .orderBy(desc(auditEvents.id))
    .limit(AUDIT_PAGE_SIZE + 1)
    .all();
  const page = rows.slice(0, AUDIT_PAGE_SIZE);
  const subjects = nameSubjects(page);
  return {
    events: page.map(({ details, subjectType, subjectId, ...event }) => ({
      ...event,
      subject: subjectType && subjectId ? (subjects.get(`${subjectType}:${subjectId}`) ?? null) : null,
      details: plainDetails(details),
    })),
    nextBeforeId: rows.length > AUDIT_PAGE_SIZE ? page[page.length - 1]!.id : null,
  };
}

/** Charges are named by their invoice's number, invoices by number, people by name, settings by their key. */
function nameSubjects(events: { subjectType: string | null; subjectId: string | null }[]) {
  const ids = (type: string) => [...new Set(events.filter((e) => e.subjectType === type && /^\d+$/.test(e.subjectId ?? '')).map((e) => Number(e.subjectId)))];
  const db = getDb();
  const named = new Map<string, AuditSubject>();
  const chargeIds = ids('payment_attempt');
  if (chargeIds.length) {
    const charges = db
      .select({ id: paymentAttempts.id, number: invoices.number })
      .from(paymentAttempts)
      .innerJoin(invoices, eq(invoices.id, paymentAttempts.invoiceId))
      .where(inArray(paymentAttempts.id, chargeIds))
      .all();
    for (const c of charges) named.set(`payment_attempt:${c.id}`, { type: 'charge', id: String(c.id), label: c.number, href: `/charges/${c.id}` });
  }
  const invoiceIds = ids('invoice');
  if (invoiceIds.length) {
    for (const i of db.select({ id: invoices.id, number: invoices.number }).from(invoices).where(inArray(invoices.id, invoiceIds)).all())
      named.set(`invoice:${i.id}`, { type: 'invoice', id: String(i.id), label: i.number, href: `/invoices/${i.id}` });
  }
  const userIds = ids('user');
  if (userIds.length) {
    for (const u of db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, userIds)).all())
      named.set(`user:${u.id}`, { type: 'user', id: String(u.id), label: u.name, href: `/settings/users/${u.id}` });
  }
  for (const e of events) {
    if (e.subjectType === 'setting' && e.subjectId)
      named.set(`setting:${e.subjectId}`, { type: 'setting', id: e.subjectId, label: e.subjectId, href: '/settings' });
  }
  return named;
}

// Details are ids, codes and amounts by convention; only plain values go to the page.
function plainDetails(details: Record<string, unknown> | null) {
  if (!details) return {};
  return Object.fromEntries(Object.entries(details).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))) as Record<
    string,
    string | number | boolean
  >;
}
