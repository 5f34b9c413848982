import { describe, expect, it } from 'vitest';

import { getChargeDetail } from '~/charges/detail.server';
import { chargesCsvStream, csvChunk, EXPORT_BATCH_SIZE } from '~/charges/export-csv.server';
import { type ChargeFilter, chargeFilterToSearchParams, parseChargeFilter } from '~/charges/filter.server';
import { AUTHENTICATION_REQUIRED_FILTER } from '~/charges/filter-choices';
import { listCharges } from '~/charges/list.server';
import { decodeCursor } from '~/charges/query.server';
import { chargeTotals } from '~/charges/totals.server';
import { getDb, getSqlite } from '~/platform/db.server';

import { type AttemptStatus, invoices, paymentAttempts, users } from '../../db/schema';
import { generateHistory } from '../../demo/history';
import { createRandom } from '../../demo/random';
import { useTestDatabase } from '../helpers/database';
import { createTestUser } from '../helpers/users';

useTestDatabase();

const END = Date.UTC(2026, 9, 31, 23, 0, 0);
const DAY = 86_400_000;

async function history(attempts = 2500, seed = 7) {
  const staff = await Promise.all([
    createTestUser('staff', 's1@keyed.test'),
    createTestUser('staff', 's2@keyed.test'),
    createTestUser('staff', 's3@keyed.test'),
  ]);
  const finance = await createTestUser('finance');
  await generateHistory(getSqlite(), { attempts, days: 40, seed, endAt: END, staffUserIds: staff.map((s) => s.id), refundUserIds: [finance.id] });
  return { staff, finance };
}

type Row = {
  id: number;
  createdAt: number;
  status: AttemptStatus;
  amount: number;
  currency: 'usd' | 'cad';
  amountRefunded: number;
  failureCode: string | null;
  declineCode: string | null;
  cardBrand: string | null;
  cardLast4: string | null;
  userId: number;
  invoiceNumber: string;
  customerName: string;
};

function allRows(): Row[] {
  const rows = getSqlite()
    .prepare(
      `select a.id, a.created_at as createdAt, a.status, a.amount, a.currency, a.amount_refunded as amountRefunded, a.failure_code as failureCode,
              a.decline_code as declineCode, a.card_brand as cardBrand, a.card_last4 as cardLast4, a.user_id as userId, i.number as invoiceNumber, i.customer_name as customerName
       from payment_attempts a join invoices i on i.id = a.invoice_id`,
    )
    .all() as Row[];
  return rows.sort((x, y) => y.createdAt - x.createdAt || y.id - x.id);
}

const isAuth = (r: Row) =>
  r.failureCode === 'authentication_required' || r.declineCode === 'authentication_not_handled' || r.failureCode === 'requires_action_not_handled';
// SQLite's LIKE folds ASCII case only, and so does this.
const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** The filter's meaning, written the slow and obvious way. */
function matches(r: Row, f: ChargeFilter) {
  if (f.from && r.createdAt < Date.parse(`${f.from}T00:00:00Z`)) return false;
  if (f.to && r.createdAt >= Date.parse(`${f.to}T00:00:00Z`) + DAY) return false;
  if (f.status && r.status !== f.status) return false;
  if (f.code && (f.code === AUTHENTICATION_REQUIRED_FILTER ? !isAuth(r) : (r.declineCode ?? r.failureCode) !== f.code)) return false;
  if (f.userId && r.userId !== f.userId) return false;
  if (f.currency && r.currency !== f.currency) return false;
  if (f.brand && r.cardBrand !== f.brand) return false;
  if (f.last4 && r.cardLast4 !== f.last4) return false;
  if (f.minAmount !== undefined && r.amount < f.minAmount) return false;
  if (f.maxAmount !== undefined && r.amount > f.maxAmount) return false;
  if (f.q) {
    const number = /^(?:inv-?)?(\d{1,12})$/i.exec(f.q);
    if (number) return r.invoiceNumber === `INV-${number[1]}`;
    // Three characters or more: the trigram index folds case like toLowerCase; shorter: SQLite's LIKE folds ASCII only.
    const fold = [...f.q].length >= 3 ? (t: string) => t.toLowerCase() : asciiLower;
    const q = fold(f.q);
    if (!fold(r.invoiceNumber).includes(q) && !fold(r.customerName).includes(q)) return false;
  }
  return true;
}

function walkAll(filter: ChargeFilter, limit: number) {
  const ids: number[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = listCharges({ filter, cursor, limit });
    ids.push(...page.rows.map((r) => r.id));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return ids;
}

function randomFilter(rand: () => number, rows: Row[], staffIds: number[]): ChargeFilter {
  const pickRow = () => rows[Math.floor(rand() * rows.length)]!;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const f: ChargeFilter = {};
  const chance = (p: number) => rand() < p;
  if (chance(0.5)) {
    const a = pickRow().createdAt;
    const b = pickRow().createdAt;
    f.from = day(Math.min(a, b));
    f.to = day(Math.max(a, b));
  }
  if (chance(0.3)) f.status = (['succeeded', 'failed', 'blocked', 'pending'] as const)[Math.floor(rand() * 4)];
  if (chance(0.35))
    f.code = [AUTHENTICATION_REQUIRED_FILTER, 'insufficient_funds', 'generic_decline', 'expired_card', 'incorrect_cvc', 'country_not_allowed', 'card_declined'][
      Math.floor(rand() * 7)
    ];
  if (chance(0.3)) f.userId = staffIds[Math.floor(rand() * staffIds.length)];
  if (chance(0.4)) f.currency = rand() < 0.5 ? 'usd' : 'cad';
  if (chance(0.25)) f.brand = ['visa', 'mastercard', 'amex', 'discover'][Math.floor(rand() * 4)];
  if (chance(0.1)) f.last4 = pickRow().cardLast4 ?? '0000';
  if (chance(0.3)) f.minAmount = Math.floor(rand() * 20000);
  if (chance(0.3)) f.maxAmount = (f.minAmount ?? 0) + Math.floor(rand() * 50000);
  if (chance(0.2)) {
    const row = pickRow();
    const source = rand() < 0.5 ? row.customerName : row.invoiceNumber;
    const start = Math.floor(rand() * Math.max(1, source.length - 3));
    const text = source.slice(start, start + 1 + Math.floor(rand() * 6));
    f.q = rand() < 0.3 ? row.invoiceNumber : rand() < 0.5 ? text.toUpperCase() : text;
  }
  return f;
}

describe('charge history filters against a brute-force check on generated data', () => {
  it('returns exactly the matching rows, newest first, across pages, for 150 random filters; totals agree', async () => {
    const { staff } = await history();
    const rows = allRows();
    expect(rows.length).toBe(2500);
    const rand = createRandom(42);
    let nonEmpty = 0;
    for (let i = 0; i < 150; i++) {
      const filter = randomFilter(
        rand,
        rows,
        staff.map((s) => s.id),
      );
      const expected = rows.filter((r) => matches(r, filter));
      if (expected.length > 0) nonEmpty++;
      const got = walkAll(filter, 1 + Math.floor(rand() * 120));
      expect(got, JSON.stringify(filter)).toEqual(expected.map((r) => r.id));

      const totals = chargeTotals(filter);
      expect(totals.capped).toBe(false);
      expect(totals.count, JSON.stringify(filter)).toBe(expected.length);
      for (const currency of ['usd', 'cad'] as const) {
        const mine = expected.filter((r) => r.currency === currency);
        const t = totals.byCurrency.find((c) => c.currency === currency);
        expect(t?.succeededAmount ?? 0, JSON.stringify(filter)).toBe(mine.filter((r) => r.status === 'succeeded').reduce((n, r) => n + r.amount, 0));
        expect(t?.refundedAmount ?? 0, JSON.stringify(filter)).toBe(mine.reduce((n, r) => n + r.amountRefunded, 0));
      }
    }
    expect(nonEmpty).toBeGreaterThan(40);
  });

  it('totals come from the rollup for date/currency/status/code filters and are exact otherwise', async () => {
    const { staff } = await history(800);
    expect(chargeTotals({ currency: 'usd', code: 'insufficient_funds', from: '2026-10-01' }).source).toBe('rollup');
    expect(chargeTotals({ status: 'failed' }).source).toBe('rollup');
    expect(chargeTotals({ status: 'pending' }).source).toBe('exact');
    expect(chargeTotals({ userId: staff[0]!.id }).source).toBe('exact');
  });

  it('returns plain rows with what the list shows', async () => {
    await history(50);
    const [row] = listCharges({ filter: {}, limit: 1 }).rows;
    expect(Object.keys(row!).sort()).toEqual(
      [
        'amount',
        'amountRefunded',
        'cardBrand',
        'cardLast4',
        'createdAt',
        'currency',
        'customerName',
        'declineCode',
        'disputed',
        'failureCode',
        'id',
        'invoiceId',
        'invoiceNumber',
        'staffName',
        'status',
        'userId',
      ].sort(),
    );
    expect(typeof row!.disputed).toBe('boolean');
  });
});

describe('parseChargeFilter', () => {
  const parse = (query: string) => parseChargeFilter(new URLSearchParams(query));

  it('reads every filter from the URL, amounts as decimal strings into minor units', () => {
    const { filter, errors } = parse(
      'from=2026-10-01&to=2026-10-31&status=failed&code=Insufficient_Funds&user=3&currency=CAD&brand=Visa&last4=4242&min=10&max=1,099.50&q=%20Tremblay%20',
    );
    expect(errors).toEqual({});
    expect(filter).toEqual({
      from: '2026-10-01',
      to: '2026-10-31',
      status: 'failed',
      code: 'insufficient_funds',
      userId: 3,
      currency: 'cad',
      brand: 'visa',
      last4: '4242',
      minAmount: 1000,
      maxAmount: 109950,
      q: 'Tremblay',
    });
    expect(parseChargeFilter(chargeFilterToSearchParams(filter)).filter).toEqual(filter);
  });

  it('turns bad values into field errors (never a throw) and keeps the good ones', () => {
    const { filter, errors } = parse(
      'from=2026-02-30&to=yesterday&status=refunded&user=abc&currency=eur&last4=42&min=-5&max=1.999&code=%3Cscript%3E&q=' + 'x'.repeat(101) + '&brand=visa',
    );
    expect(Object.keys(errors).sort()).toEqual(['code', 'currency', 'from', 'last4', 'max', 'min', 'q', 'status', 'to', 'user']);
    expect(errors.from).toBe('invalid_date');
    expect(filter).toEqual({ brand: 'visa' });
    expect(parse('from=2026-10-31&to=2026-10-01').errors).toEqual({ to: 'before_from' });
    expect(parse('min=50&max=10').errors).toEqual({ max: 'below_min' });
    expect(parse('').filter).toEqual({});
    expect(parse('status=&q=').filter).toEqual({});
  });

  it('treats a forged or stale cursor as the first page', async () => {
    await history(30);
    expect(decodeCursor('garbage')).toBeNull();
    expect(decodeCursor(Buffer.from('n.1.2; drop table').toString('base64url'))).toBeNull();
    expect(listCharges({ filter: {}, cursor: 'nonsense', limit: 5 }).rows.map((r) => r.id)).toEqual(
      listCharges({ filter: {}, limit: 5 }).rows.map((r) => r.id),
    );
  });
});

function insertCharge(overrides: Partial<typeof paymentAttempts.$inferInsert> & { customerName?: string } = {}) {
  const db = getDb();
  const userId = db.select({ id: users.id }).from(users).limit(1).get()!.id;
  const now = overrides.createdAt ?? Date.now();
  const max = getSqlite().prepare('select coalesce(max(id), 0) + 1 as n from invoices').get() as { n: number };
  const invoice = db
    .insert(invoices)
    .values({
      number: `INV-${900000 + max.n}`,
      customerName: overrides.customerName ?? 'New Caller',
      description: 'Order',
      amount: 4200,
      currency: 'usd',
      status: 'paid',
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  const { customerName: _name, ...attempt } = overrides;
  return db
    .insert(paymentAttempts)
    .values({
      invoiceId: invoice.id,
      userId,
      idempotencyKey: `keyed_test_${Math.random()}`,
      amount: 4200,
      currency: 'usd',
      status: 'succeeded',
      paymentMethodId: 'pm_test',
      cardBrand: 'visa',
      cardLast4: '4242',
      createdAt: now,
      settledAt: now,
      ...attempt,
    })
    .returning()
    .get();
}

describe('free-text search', () => {
  it('finds substrings of names and numbers in any case, treats FTS syntax as text, and follows renamed invoices', async () => {
    await createTestUser('staff');
    insertCharge({ customerName: 'Gagnon Électrique' });
    insertCharge({ customerName: 'Kevin O’Brien' });
    insertCharge({ customerName: 'Rock "n" Roll AND Co' });
    const names = (q: string) => listCharges({ filter: { q } }).rows.map((r) => r.customerName);
    expect(names('électr')).toEqual(['Gagnon Électrique']);
    expect(names('ÉLECTR')).toEqual(['Gagnon Électrique']);
    expect(names('o’b')).toEqual(['Kevin O’Brien']);
    expect(names('"n" Roll AND')).toEqual(['Rock "n" Roll AND Co']);
    expect(names('AND Co*')).toEqual([]);
    expect(names('ag')).toEqual(['Gagnon Électrique']);
    const id = getSqlite().prepare("select id from invoices where customer_name = 'Kevin O’Brien'").get() as { id: number };
    getSqlite().prepare("update invoices set customer_name = 'Kevin Obrien' where id = ?").run(id.id);
    expect(names('o’b')).toEqual([]);
    expect(names('obri')).toEqual(['Kevin Obrien']);
  });
});

describe('keyset pagination', () => {
  it('never skips or repeats a row while new charges arrive between pages, forwards and back', async () => {
    await history(400);
    const before = allRows().map((r) => r.id);
    const seen: number[] = [];
    const pages: number[][] = [];
    let cursor: string | null = null;
    for (;;) {
      const page = listCharges({ filter: {}, cursor, limit: 7 });
      pages.push(page.rows.map((r) => r.id));
      seen.push(...page.rows.map((r) => r.id));
      // New charges keep arriving (some with the very same millisecond as the newest one).
      insertCharge();
      insertCharge({ createdAt: Date.now() });
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(before);
    expect(new Set(seen).size).toBe(seen.length);

    // Walk back from the last page: every earlier page comes back the same.
    let back = listCharges({ filter: {}, cursor: listCharges({ filter: {}, cursor, limit: 7 }).prevCursor, limit: 7 });
    for (let i = pages.length - 2; i >= 0; i--) {
      expect(back.rows.map((r) => r.id)).toEqual(pages[i]);
      insertCharge();
      if (i === 0) break;
      back = listCharges({ filter: {}, cursor: back.prevCursor, limit: 7 });
    }
    // The newest page has newer charges above it now (they arrived), so it still offers "newer".
    expect(back.prevCursor).not.toBeNull();
    expect(listCharges({ filter: {}, limit: 7 }).prevCursor).toBeNull();
  });

  it('ties on created_at are ordered by id and split across pages cleanly', async () => {
    await createTestUser('staff');
    const at = Date.UTC(2026, 9, 1, 12);
    const ids = Array.from({ length: 9 }, () => insertCharge({ createdAt: at }).id).reverse();
    expect(walkAll({}, 2)).toEqual(ids);
  });
});

async function readStream(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let text = '';
  let chunks = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks++;
    text += decoder.decode(value, { stream: true });
  }
  return { text, chunks };
}

describe('CSV export', () => {
  it('quotes what needs quoting and escapes cells that a spreadsheet would run as formulas', () => {
    const csv = csvChunk(
      [['=HYPERLINK("http://evil.example")', '+1 555 0100', '-2+3', '@SUM(A1)', '\tTab', '\rCR', 'Comma, "quoted"', 'Two\nlines', 'Plain', '1099.00']],
      { header: false },
    );
    expect(csv).toBe(`"'=HYPERLINK(""http://evil.example"")",'+1 555 0100,'-2+3,'@SUM(A1),'\tTab,"'\rCR","Comma, ""quoted""","Two\nlines",Plain,1099.00\r\n`);
  });

  it('streams exactly the filtered rows with ISO UTC times, decimal amounts and a currency column', async () => {
    await history(600);
    insertCharge({ customerName: '=cmd|" /C calc"!A0', amount: 109900, createdAt: END - 1000 });
    const filter: ChargeFilter = { currency: 'usd', from: '2026-10-10' };
    const expected = allRows().filter((r) => matches(r, filter));
    const { text } = await readStream(chargesCsvStream(filter));
    expect(text.startsWith('\ufeffcreated_at,charge_id,status,amount,amount_refunded,currency,invoice_number,customer_name,staff,')).toBe(true);
    const lines = text.slice(1).split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(expected.length + 1);
    const ids = lines.slice(1).map((line) => Number(line.split(',')[1]));
    expect(ids).toEqual(expected.map((r) => r.id));
    const injected = lines.find((l) => l.includes('cmd|'))!;
    expect(injected).toContain(`"'=cmd|"" /C calc""!A0"`);
    expect(injected).toMatch(/^2026-10-31T22:59:59\.000Z,\d+,succeeded,1099\.00,0\.00,USD,/);
  });

  it('reads the database in batches as the client pulls (backpressure), and an empty result is just the header', async () => {
    await history(EXPORT_BATCH_SIZE * 2 + 50, 3);
    const stream = chargesCsvStream({});
    const reader = stream.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    await reader.cancel();
    const { chunks } = await readStream(chargesCsvStream({}));
    expect(chunks).toBe(3);
    const empty = await readStream(chargesCsvStream({ last4: '0000', brand: 'no_such' }));
    expect(empty.text.split('\r\n').filter(Boolean)).toHaveLength(1);
  });
});

describe('charge detail', () => {
  it('has the card, Stripe ids, codes, who keyed it, the invoice and a timeline — and no card number', async () => {
    await history(300);
    const failed = allRows().find((r) => r.status === 'failed')!;
    const detail = getChargeDetail({ id: failed.id })!;
    expect(detail.charge).toMatchObject({ id: failed.id, status: 'failed', failureCode: failed.failureCode, declineCode: failed.declineCode });
    expect(detail.charge.cardLast4).toMatch(/^\d{4}$/);
    expect(detail.charge.cardExpMonth).toBeGreaterThan(0);
    expect(detail.charge.cardFunding).toBeTruthy();
    expect(detail.keyedBy.name).toBeTruthy();
    expect(detail.invoice.number).toBe(failed.invoiceNumber);
    expect(detail.timeline.map((e) => e.action)).toEqual(['charge.attempted', 'charge.failed']);
    expect(detail.links.paymentIntent).toBeNull();
    expect(JSON.stringify(detail)).not.toMatch(/"\d{13,19}"/);
    expect(getChargeDetail({ id: 999_999 })).toBeNull();
  });
});

describe('charge filter edge cases', () => {
  it('an impossible date is a field error, never an exception', async () => {
    const { parseChargeFilter } = await import('~/charges/filter.server');
    for (const bad of ['2025-13-45', '2025-02-30', '2025-1-1', 'yesterday']) {
      expect(parseChargeFilter(new URLSearchParams({ from: bad })).errors).toEqual({ from: 'invalid_date' });
    }
  });

  it('amounts in either language’s notation', async () => {
    const { parseChargeFilter } = await import('~/charges/filter.server');
    expect(parseChargeFilter(new URLSearchParams({ min: '1,099.50' })).filter.minAmount).toBe(109950);
    expect(parseChargeFilter(new URLSearchParams({ min: '1 099,50' })).filter.minAmount).toBe(109950);
  });
});
