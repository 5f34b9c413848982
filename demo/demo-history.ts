import type Database from 'better-sqlite3';

import { DAY_MS } from '../app/platform/utc-day';
import { type HistoricalPayment, type HistoricalRefund, invalidHistoricalPayment } from '../sandbox/history-import';
import type { HistoryScenario } from './auth-share';
import { generateHistory, type HistoryResult } from './history';

// ——— demo history that the sandbox knows about too ———

export const DEMO_HISTORY_MARKER = 'demo_history_seeded_at';

export type DemoHistoryOptions = {
  /** The running sandbox, e.g. http://127.0.0.1:12111 (its control API imports the charges). */
  sandboxUrl: string;
  days?: number;
  attempts?: number;
  scenario?: HistoryScenario;
  /** Overrides the scenario's authentication-required share by days ago (see HistoryOptions.authShare). */
  authShare?: (daysAgo: number) => number;
  seed?: number;
  staffUserIds?: number[];
  refundUserIds?: number[];
};

export type DemoHistoryResult = { generated: HistoryResult | null; imported: number; skipped: number; unimportable: number };

/** Control API bodies are capped at 1 MB; ~400 payments stay well below. */
const SANDBOX_IMPORT_BATCH = 400;

/**
 * About 90 days of history for sandbox mode: generated once per database (a settings marker), then every
 * succeeded charge of that period and its refunds made known to the sandbox under the same ids, so refunding
 * a historical charge through the real Stripe SDK works. The sync runs on every call and is idempotent (the
 * sandbox skips ids it has), so a sandbox file deleted or an import cut short is repaired on the next start.
 */
export async function seedDemoHistory(sqlite: Database.Database, opts: DemoHistoryOptions): Promise<DemoHistoryResult> {
  const days = opts.days ?? 90;
  let generated: HistoryResult | null = null;
  if (!sqlite.prepare('select 1 from settings where key = ?').get(DEMO_HISTORY_MARKER)) {
    generated = await generateHistory(sqlite, {
      attempts: opts.attempts ?? 3000,
      days,
      scenario: opts.scenario ?? 'rising-auth',
      authShare: opts.authShare,
      seed: opts.seed ?? 1,
      // History ends an hour ago: everything in it is settled and older than anything keyed from now on.
      endAt: Date.now() - 3_600_000,
      staffUserIds: opts.staffUserIds,
      refundUserIds: opts.refundUserIds,
    });
    const now = Date.now();
    sqlite.prepare('insert into settings (key, value, updated_at) values (?, ?, ?)').run(DEMO_HISTORY_MARKER, new Date(now).toISOString(), now);
  }
  const synced = await syncSandboxWithHistory(sqlite, { sandboxUrl: opts.sandboxUrl, since: Date.now() - (days + 1) * DAY_MS });
  return { generated, ...synced };
}

/** Sends the succeeded charges created since `since` (and their refunds) to the sandbox's history import. */
export async function syncSandboxWithHistory(sqlite: Database.Database, opts: { sandboxUrl: string; since: number }) {
  const charges = sqlite
    .prepare(
      `select a.id, a.invoice_id as invoiceId, a.user_id as userId, a.amount, a.currency, a.created_at as createdAt, a.receipt_email as receiptEmail,
              a.stripe_payment_intent_id as pi, a.stripe_charge_id as ch, a.payment_method_id as pm, i.number as invoiceNumber,
              a.card_brand as brand, a.card_last4 as last4, a.card_country as country, a.card_exp_month as expMonth, a.card_exp_year as expYear, a.card_funding as funding
       from payment_attempts a join invoices i on i.id = a.invoice_id
       where a.status = 'succeeded' and a.created_at >= ? and a.stripe_payment_intent_id is not null and a.stripe_charge_id is not null
       order by a.created_at, a.id`,
    )
    .all(opts.since) as SucceededRow[];
  const refundsFor = sqlite.prepare<[number], { id: string; amount: number; createdAt: number; reason: string | null }>(
    "select stripe_refund_id as id, amount, created_at as createdAt, reason from refunds where attempt_id = ? and status = 'succeeded' and stripe_refund_id is not null",
  );
  let imported = 0;
  let skipped = 0;
  // Whatever the app accepted must never stop a start: a charge the sandbox cannot take back (an id it would not
  // recognise) is counted and left out, not sent to fail the whole batch.
  const all = charges.map((c) => toSandboxPayment(c, refundsFor.all(c.id)));
  const importable = all.filter((p) => invalidHistoricalPayment(p) === null);
  const unimportable = all.length - importable.length;
  for (let i = 0; i < importable.length; i += SANDBOX_IMPORT_BATCH) {
    const payments = importable.slice(i, i + SANDBOX_IMPORT_BATCH);
    const response = await fetch(`${opts.sandboxUrl}/__sandbox/history`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ payments }),
    });
    if (!response.ok) throw new Error(`The sandbox refused the demo history: ${response.status} ${await response.text()}`);
    const answer = (await response.json()) as { imported: number; skipped: number };
    imported += answer.imported;
    skipped += answer.skipped;
  }
  return { imported, skipped, unimportable };
}

type SucceededRow = {
  id: number;
  invoiceId: number;
  userId: number;
  amount: number;
  currency: string;
  createdAt: number;
  receiptEmail: string | null;
  pi: string;
  ch: string;
  pm: string;
  invoiceNumber: string;
  brand: string | null;
  last4: string | null;
  country: string | null;
  expMonth: number | null;
  expYear: number | null;
  funding: string | null;
};

/** The same payment as the sandbox stores it: the metadata Keyed's own charges carry, times in seconds. */
function toSandboxPayment(c: SucceededRow, refundRows: { id: string; amount: number; createdAt: number; reason: string | null }[]): HistoricalPayment {
  return {
    paymentIntentId: c.pi,
    chargeId: c.ch,
    paymentMethodId: c.pm,
    amount: c.amount,
    currency: c.currency,
    created: Math.floor(c.createdAt / 1000),
    description: `Invoice ${c.invoiceNumber}`,
    receiptEmail: c.receiptEmail,
    metadata: { invoice_id: String(c.invoiceId), attempt_id: String(c.id), user_id: String(c.userId) },
    card: {
      brand: c.brand ?? 'visa',
      last4: c.last4 ?? '0000',
      country: c.country ?? 'US',
      expMonth: c.expMonth ?? 12,
      expYear: c.expYear ?? 2030,
      funding: c.funding ?? 'credit',
    },
    refunds: refundRows.map((r) => ({ id: r.id, amount: r.amount, created: Math.floor(r.createdAt / 1000), reason: r.reason as HistoricalRefund['reason'] })),
  };
}
