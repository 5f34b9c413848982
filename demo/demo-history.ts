import type Database from 'better-sqlite3';

import { SANDBOX_SECRET_KEY } from '../app/platform/stripe.server';
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

/**
 * About 90 days of history for sandbox mode, generated once per database (a settings marker), then mirrored into
 * the sandbox (see mirrorHistoryToSandbox), so refunding a historical charge through the real Stripe SDK works.
 */
export async function seedDemoHistory(sqlite: Database.Database, opts: DemoHistoryOptions): Promise<DemoHistoryResult> {
  const days = opts.days ?? 90;
  const generated = await generateDemoHistory(sqlite, opts);
  const mirrored = await mirrorHistoryToSandbox(sqlite, { sandboxUrl: opts.sandboxUrl, since: Date.now() - (days + 1) * DAY_MS });
  return { generated, imported: mirrored.imported, skipped: mirrored.skipped, unimportable: mirrored.unimportable };
}

/** The demo's charge history, once per database: null when the marker says it was written before. */
export async function generateDemoHistory(sqlite: Database.Database, opts: Omit<DemoHistoryOptions, 'sandboxUrl'>): Promise<HistoryResult | null> {
  if (sqlite.prepare('select 1 from settings where key = ?').get(DEMO_HISTORY_MARKER)) return null;
  const generated = await generateHistory(sqlite, {
    attempts: opts.attempts ?? 3000,
    days: opts.days ?? 90,
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
  return generated;
}

// ——— the sandbox mirror: incremental, newest first ———

export const SANDBOX_MIRROR_KEY = 'sandbox_history_mirror';

/**
 * How far the mirror got, by attempt id: every succeeded charge with bottom <= id <= top is in the sandbox
 * (the window's older part, below bottom, is still to do). `known` is a charge the sandbox acknowledged: when
 * the sandbox no longer has it (its file was deleted or reset), the mirror starts again from scratch.
 */
type MirrorState = { top: number; bottom: number; known: string | null };

export type MirrorProgress = { imported: number; skipped: number; unimportable: number; batches: number; done: boolean };

/** Small batches: the sandbox runs in Keyed's process, and one batch holds its event loop while it is stored. */
const MIRROR_BATCH = 100;

/**
 * Makes the succeeded charges created since `since` (and their refunds) known to the sandbox under the same ids.
 * Incremental: the high-water marks live in Keyed's settings and advance after each batch the sandbox
 * acknowledged, so a restart sends nothing it sent before and an interrupted mirror resumes. Charges newer than
 * the marks go first, then older ones newest first, so what people refund most (recent charges) is there soonest.
 * Stops between batches when `signal` aborts (shutdown).
 */
export async function mirrorHistoryToSandbox(
  sqlite: Database.Database,
  opts: { sandboxUrl: string; since: number; signal?: AbortSignal; onBatch?: (progress: MirrorProgress) => void },
): Promise<MirrorProgress> {
  const progress: MirrorProgress = { imported: 0, skipped: 0, unimportable: 0, batches: 0, done: false };
  const maxId = (sqlite.prepare('select max(id) as n from payment_attempts').get() as { n: number | null }).n ?? 0;
  // The lowest id inside the window, read from the (created_at, id) index: left to itself SQLite answers min(id) by
  // walking ids from 1 and reading every older row (2 s at 1M; 80 ms this way). Tests fail if the index is renamed.
  const floor =
    (sqlite.prepare('select min(id) from payment_attempts indexed by payment_attempts_created_idx where created_at >= ?').pluck().get(opts.since) as
      number | null) ?? maxId + 1;
  let state = readMirrorState(sqlite);
  if (state && state.known && !(await sandboxHasCharge(opts.sandboxUrl, state.known))) state = null;
  state ??= { top: maxId, bottom: maxId + 1, known: null };

  const condition = `a.id > ? and a.id <= ? and a.created_at >= ? and a.status = 'succeeded'
       and a.stripe_payment_intent_id is not null and a.stripe_charge_id is not null`;
  const newestFirst = sqlite.prepare<[number, number, number], SucceededRow>(
    `${SUCCEEDED_COLUMNS} where ${condition} order by a.id desc limit ${MIRROR_BATCH}`,
  );
  // Above the top mark, charges Keyed sent itself (sent_at set) are the sandbox's own: only history is news to it.
  const oldestFirst = sqlite.prepare<[number, number, number], SucceededRow>(
    `${SUCCEEDED_COLUMNS} where ${condition} and a.sent_at is null order by a.id limit ${MIRROR_BATCH}`,
  );
  const send = async (rows: SucceededRow[]) => {
    const answer = await sendToSandbox(sqlite, opts.sandboxUrl, rows);
    progress.imported += answer.imported;
    progress.skipped += answer.skipped;
    progress.unimportable += answer.unimportable;
    progress.batches++;
    opts.onBatch?.(progress);
  };

  // Newer than the top mark (charges keyed since the last start, or history generated into this database since),
  // oldest first so the mark can follow. Usually a handful.
  while (state.top < maxId) {
    if (opts.signal?.aborted) return progress;
    const rows = oldestFirst.all(state.top, maxId, opts.since);
    if (rows.length > 0) await send(rows);
    state = { ...state, top: rows.length < MIRROR_BATCH ? maxId : rows[rows.length - 1]!.id, known: rows[0]?.ch ?? state.known };
    writeMirrorState(sqlite, state);
  }
  // Older than the bottom mark, down to the window's floor, newest first.
  while (state.bottom > floor) {
    if (opts.signal?.aborted) return progress;
    const rows = newestFirst.all(floor - 1, state.bottom - 1, opts.since);
    if (rows.length > 0) await send(rows);
    state = { ...state, bottom: rows.length < MIRROR_BATCH ? floor : rows[rows.length - 1]!.id, known: rows[0]?.ch ?? state.known };
    writeMirrorState(sqlite, state);
  }
  progress.done = true;
  return progress;
}

const SUCCEEDED_COLUMNS = `select a.id, a.invoice_id as invoiceId, a.user_id as userId, a.amount, a.currency, a.created_at as createdAt,
         a.receipt_email as receiptEmail, a.stripe_payment_intent_id as pi, a.stripe_charge_id as ch, a.payment_method_id as pm,
         i.number as invoiceNumber, a.card_brand as brand, a.card_last4 as last4, a.card_country as country,
         a.card_exp_month as expMonth, a.card_exp_year as expYear, a.card_funding as funding
  from payment_attempts a join invoices i on i.id = a.invoice_id`;

async function sendToSandbox(sqlite: Database.Database, sandboxUrl: string, rows: SucceededRow[]) {
  const refundsFor = sqlite.prepare<[number], { id: string; amount: number; createdAt: number; reason: string | null }>(
    "select stripe_refund_id as id, amount, created_at as createdAt, reason from refunds where attempt_id = ? and status = 'succeeded' and stripe_refund_id is not null",
  );
  // Whatever the app accepted must never stop a start: a charge the sandbox cannot take back (an id it would not
  // recognise) is counted and left out, not sent to fail the whole batch.
  const all = rows.map((c) => toSandboxPayment(c, refundsFor.all(c.id)));
  const payments = all.filter((p) => invalidHistoricalPayment(p) === null);
  const unimportable = all.length - payments.length;
  if (payments.length === 0) return { imported: 0, skipped: 0, unimportable };
  const response = await fetch(`${sandboxUrl}/__sandbox/history`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ payments }),
  });
  if (!response.ok) throw new Error(`The sandbox refused the history: ${response.status} ${await response.text()}`);
  const answer = (await response.json()) as { imported: number; skipped: number };
  return { imported: answer.imported, skipped: answer.skipped, unimportable };
}

/** Asks the sandbox through its Stripe API, as any client would, whether it holds a charge. */
async function sandboxHasCharge(sandboxUrl: string, chargeId: string) {
  const response = await fetch(`${sandboxUrl}/v1/charges/${encodeURIComponent(chargeId)}`, { headers: { Authorization: `Bearer ${SANDBOX_SECRET_KEY}` } });
  await response.body?.cancel();
  if (response.status === 404) return false;
  if (!response.ok) throw new Error(`The sandbox did not answer for ${chargeId}: ${response.status}`);
  return true;
}

function readMirrorState(sqlite: Database.Database): MirrorState | null {
  const row = sqlite.prepare<[string], { value: string }>('select value from settings where key = ?').get(SANDBOX_MIRROR_KEY);
  if (!row) return null;
  try {
    const parsed = JSON.parse(row.value) as Partial<MirrorState>;
    if (Number.isSafeInteger(parsed.top) && Number.isSafeInteger(parsed.bottom)) {
      return { top: parsed.top!, bottom: parsed.bottom!, known: typeof parsed.known === 'string' ? parsed.known : null };
    }
  } catch {
    // A damaged mark only costs a full mirror, which the sandbox deduplicates.
  }
  return null;
}

function writeMirrorState(sqlite: Database.Database, state: MirrorState) {
  const now = Date.now();
  sqlite
    .prepare(
      'insert into settings (key, value, updated_at) values (?, ?, ?) on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at',
    )
    .run(SANDBOX_MIRROR_KEY, JSON.stringify(state), now);
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
