import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { createInvoice } from '~/invoices/invoices.server';
import { audit } from '~/platform/audit.server';
import { AUDIT_ACTIONS, auditActionInfo } from '~/platform/audit-actions';
import { AUDIT_PAGE_SIZE, listAuditEvents, parseAuditFilter } from '~/platform/audit-log.server';
import { getDb } from '~/platform/db.server';
import { fixedT } from '~/platform/i18n';
import { loader as auditLoader } from '~/routes/audit';
import { changeUserRole } from '~/users/users.server';

import { auditEvents } from '../../db/schema';
import { useTestDatabase } from '../helpers/database';
import { createTestUser, requestAs, respond } from '../helpers/users';

useTestDatabase();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

describe('every audit action has words', () => {
  it('each action the code writes is in the registry, with a label and a sentence in both languages', () => {
    const written = new Set<string>();
    for (const path of [...sourceFiles('app'), ...sourceFiles('demo')]) {
      const text = readFileSync(path, 'utf8');
      for (const m of text.matchAll(/action: '([a-z_.]+)'/g)) written.add(m[1]!);
      for (const m of text.matchAll(/action: [\w.]+ \? '([a-z_.]+)' : '([a-z_.]+)'/g)) [m[1]!, m[2]!].forEach((a) => written.add(a));
    }
    // Built from a status at run time: every status it can take.
    for (const status of ['succeeded', 'failed', 'blocked']) written.add(`charge.${status}`);
    for (const status of ['pending', 'succeeded', 'failed']) written.add(`refund.${status}`);
    expect([...written].filter((action) => !auditActionInfo(action))).toEqual([]);
    for (const locale of ['en', 'fr-CA'] as const) {
      const t = fixedT(locale);
      for (const info of AUDIT_ACTIONS) {
        expect(t(info.label), `${locale} ${info.label}`).not.toBe(info.label);
        expect(t(info.sentence), `${locale} ${info.sentence}`).not.toBe(info.sentence);
      }
    }
  });
});

describe('the audit log', () => {
  async function seed() {
    const manager = await createTestUser('manager');
    const finance = await createTestUser('finance');
    const invoice = createInvoice(
      { customerName: 'Léa Bouchard', customerEmail: null, customerPhone: null, description: 'Order', amount: 12345, currency: 'cad' },
      { id: finance.id },
    );
    changeUserRole({ id: finance.id, role: 'manager' }, { id: manager.id });
    audit({ actorUserId: null, action: 'user.charging_paused', subjectType: 'user', subjectId: finance.id, details: { declines: 10, windowMinutes: 15 } });
    return { manager, finance, invoice };
  }
  const load = async (userId: number, query: string) => {
    const response = await respond(async () => auditLoader({ request: await requestAs(userId, `/audit${query}`), params: {}, context: {} }));
    return { status: response.status, body: response.status === 403 ? null : await response.json() };
  };

  it('names and links each subject and keeps amounts as numbers with their currency', async () => {
    const { manager, finance, invoice } = await seed();
    const { events } = listAuditEvents({});
    const created = events.find((e) => e.action === 'invoice.created')!;
    expect(created).toMatchObject({
      actorName: 'Test finance',
      subject: { type: 'invoice', label: invoice.number, href: `/invoices/${invoice.id}` },
      details: { amount: 12345, currency: 'cad' },
    });
    const role = events.find((e) => e.action === 'user.role_changed')!;
    expect(role).toMatchObject({ actorName: 'Test manager', subject: { type: 'user', label: 'Test finance', href: `/settings/users/${finance.id}` } });
    expect(events.find((e) => e.action === 'user.charging_paused')).toMatchObject({ actorName: null, details: { declines: 10 } });
    expect(manager.id).toBeGreaterThan(0);
  });

  it('filters by person (or Keyed itself), action and dates, from the URL', async () => {
    const { manager, finance } = await seed();
    const byFinance = await load(manager.id, `?actor=${finance.id}`);
    expect(byFinance.status).toBe(200);
    expect(byFinance.body.events.map((e: { action: string }) => e.action)).toEqual(['invoice.created']);
    expect((await load(manager.id, '?actor=system')).body.events.map((e: { action: string }) => e.action)).toEqual(['user.charging_paused']);
    expect((await load(manager.id, '?action=user.role_changed')).body.events).toHaveLength(1);
    const today = new Date().toISOString().slice(0, 10);
    expect((await load(manager.id, `?from=${today}&to=${today}`)).body.events).toHaveLength(3);
    expect((await load(manager.id, '?to=2000-01-01')).body.events).toHaveLength(0);
    const combined = await load(manager.id, `?actor=${manager.id}&action=user.role_changed&from=${today}`);
    expect(combined.body.events).toHaveLength(1);
    expect(combined.body.filterParams).toBe(`actor=${manager.id}&action=user.role_changed&from=${today}`);
  });

  it('a bad filter is a 400 with a field error for each bad field, never a 500', async () => {
    const { manager } = await seed();
    const bad = await load(manager.id, '?actor=abc&action=drop.tables&from=2025-13-45&to=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual({ actor: 'invalid_actor', action: 'invalid_action', from: 'invalid_date', to: 'invalid_date' });
    expect(bad.body.submitted).toBe('actor=abc&action=drop.tables&from=2025-13-45&to=yesterday');
    expect((await load(manager.id, '?from=2026-02-01&to=2026-01-01')).body.errors).toEqual({ to: 'before_from' });
    expect(parseAuditFilter(new URLSearchParams('before=-1')).beforeId).toBeNull();
  });

  it('pages newest first by id without repeating or skipping, with the filter kept', async () => {
    const { manager } = await seed();
    const extra = AUDIT_PAGE_SIZE * 2 + 7;
    const db = getDb();
    db.transaction((tx) => {
      for (let i = 0; i < extra; i++) audit({ actorUserId: manager.id, action: 'charges.exported', details: { n: i } }, tx);
    });
    const seen: number[] = [];
    let before: number | null = null;
    do {
      const page = listAuditEvents({ filter: { action: 'charges.exported' }, beforeId: before });
      seen.push(...page.events.map((e) => e.id));
      before = page.nextBeforeId;
    } while (before);
    const all = db.select({ id: auditEvents.id, action: auditEvents.action }).from(auditEvents).all();
    const expected = all
      .filter((e) => e.action === 'charges.exported')
      .map((e) => e.id)
      .sort((a, b) => b - a);
    expect(seen).toEqual(expected);
    expect(seen).toHaveLength(extra);
  });

  it('is for managers only', async () => {
    const { finance } = await seed();
    const staff = await createTestUser('staff', 'staff2@keyed.test');
    expect((await load(staff.id, '')).status).toBe(403);
    expect(finance.id).toBeGreaterThan(0);
  });
});
