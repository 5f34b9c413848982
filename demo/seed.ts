import type Database from 'better-sqlite3';
import { eq, inArray } from 'drizzle-orm';

import { invoiceNumberFor } from '../app/invoices/invoices.server';
import type { Db } from '../app/platform/db.server';
import { hashPassword } from '../app/platform/password.server';
import { auditEvents, type Currency, invoices, type Role, settings, users } from '../db/schema';
import { demoAuthShare } from './auth-share';
import { DEMO_HISTORY_MARKER, generateDemoHistory } from './demo-history';

export const DEMO_USERS: { email: string; name: string; role: Role }[] = [
  { email: 'staff@keyed.test', name: 'Sam Staff', role: 'staff' },
  { email: 'finance@keyed.test', name: 'Fran Finance', role: 'finance' },
  { email: 'manager@keyed.test', name: 'Morgan Manager', role: 'manager' },
];

// [customer, email, phone, description, amount in minor units, currency]
const DEMO_INVOICES: [string, string | null, string | null, string, number, Currency][] = [
  ['Harbour Lights Bakery', 'orders@harbourlights.example', '+1 (902) 555-0143', 'Wedding cake, three tiers, delivery to Halifax', 109900, 'cad'],
  ['Alicia Romero', 'alicia.romero@example.com', '+1 (512) 555-0187', 'Replacement espresso grinder burrs (2 sets)', 8950, 'usd'],
  ['Northwind Dental Group', 'accounts@northwind-dental.example', '+1 (416) 555-0112', 'Quarterly supply order — gloves, bibs, fluoride', 243075, 'cad'],
  ['Marcus Chen', 'mchen@example.com', '+1 (415) 555-0164', 'Custom framed print, 24×36, museum glass', 42500, 'usd'],
  ['Lakeside Rowing Club', 'treasurer@lakesiderowing.example', '+1 (613) 555-0129', 'Club jackets, 18 units with embroidery', 161820, 'cad'],
  ['Priya Natarajan', 'priya.n@example.com', '+1 (206) 555-0171', 'Standing desk frame and walnut top', 118900, 'usd'],
  ['Gagnon Électrique', 'facturation@gagnon-elec.example', '+1 (514) 555-0136', 'Panel upgrade parts, order 4471', 76540, 'cad'],
  ['Tom Whitaker', null, '+1 (303) 555-0190', 'Bike tune-up and new chain', 12500, 'usd'],
  ['Blue Heron Books', 'hello@blueheronbooks.example', '+1 (250) 555-0158', 'Special order: 40 copies, book club edition', 71960, 'cad'],
  ['Dana Okafor', 'dana.okafor@example.com', '+1 (312) 555-0123', 'Catering deposit — 60 guests', 150000, 'usd'],
  ['Cedar & Stone Landscaping', 'billing@cedarstone.example', '+1 (604) 555-0147', 'Spring cleanup, 3 properties', 89500, 'cad'],
  ['Rebecca Lindqvist', 'r.lindqvist@example.com', null, 'Piano tuning and minor regulation', 18500, 'usd'],
  ['Maple Leaf Pharmacy', 'ap@mapleleafrx.example', '+1 (780) 555-0118', 'Blood pressure monitors (12)', 65388, 'cad'],
  ['Jorge Alvarez', 'jorge.alvarez@example.com', '+1 (602) 555-0182', 'Tile samples and installation estimate', 4999, 'usd'],
  ['Summit Outfitters', 'orders@summitoutfitters.example', '+1 (403) 555-0133', 'Rental fleet: 6 avalanche beacons', 239994, 'cad'],
  ['Hannah Berg', 'hannah.berg@example.com', '+1 (617) 555-0109', 'Tailoring: suit alterations', 9500, 'usd'],
  ['Riverbend Veterinary', 'office@riverbendvet.example', '+1 (204) 555-0152', 'Surgical pack restock', 132000, 'cad'],
  ['Kevin O’Brien', 'kobrien@example.com', '+1 (718) 555-0175', 'Vintage amplifier repair', 27500, 'usd'],
  ['Les Jardins Tremblay', 'info@jardinstremblay.example', '+1 (418) 555-0127', 'Commande de semences, printemps', 34520, 'cad'],
  ['Samantha Reyes', 'sam.reyes@example.com', '+1 (305) 555-0196', 'Two nights, lakeside cabin — balance due', 64000, 'usd'],
  ['Brightside Daycare', 'admin@brightside.example', '+1 (306) 555-0140', 'Art supplies, term order', 21875, 'cad'],
  ['Oliver Grant', 'oliver.grant@example.com', '+1 (503) 555-0168', 'Telescope eyepiece set', 33900, 'usd'],
  ['Prairie Grain Co-op', 'accounts@prairiegrain.example', '+1 (306) 555-0185', 'Moisture meter calibration service', 45000, 'cad'],
  ['Mei Tanaka', 'mei.tanaka@example.com', '+1 (808) 555-0114', 'Ceramics class, 8-week session', 36000, 'usd'],
  ['Atlantic Marine Supply', 'sales@atlanticmarine.example', '+1 (709) 555-0161', 'Bilge pump and fittings', 28750, 'cad'],
  ['Grace Thompson', 'grace.t@example.com', '+1 (919) 555-0130', 'Custom wedding rings (pair), balance', 285000, 'usd'],
  ['Willow Creek Farm', null, '+1 (519) 555-0176', 'Hay delivery, 40 bales', 32000, 'cad'],
  ['Ethan Morales', 'ethan.morales@example.com', '+1 (210) 555-0148', 'Drone repair — gimbal replacement', 21999, 'usd'],
  ['Sunrise Yoga Studio', 'studio@sunriseyoga.example', '+1 (250) 555-0192', 'Annual membership, corporate plan', 99000, 'cad'],
  ['Isabel Fournier', 'isabel.fournier@example.com', '+1 (819) 555-0105', 'Harp lessons, 10-pack', 55000, 'cad'],
];

const SEED_MARKER = 'demo_seeded_at';

/** Seeds demo users and invoices once per database (sandbox mode only); a second start changes nothing. */
export async function seedDemo(db: Db, demoPassword: string) {
  const seeded = db.select().from(settings).where(eq(settings.key, SEED_MARKER)).get();
  // Demo accounts stay password-only in sandbox mode; databases seeded before the flag existed get it here.
  db.update(users)
    .set({ demoAccount: true })
    .where(
      inArray(
        users.email,
        DEMO_USERS.map((u) => u.email),
      ),
    )
    .run();
  if (seeded) return { seeded: false };
  const passwordHash = await hashPassword(demoPassword);
  const now = Date.now();
  db.transaction((tx) => {
    for (const user of DEMO_USERS) {
      tx.insert(users)
        .values({ ...user, passwordHash, demoAccount: true, createdAt: now, updatedAt: now })
        .onConflictDoNothing({ target: users.email })
        .run();
    }
    DEMO_INVOICES.forEach(([customerName, customerEmail, customerPhone, description, amount, currency], i) => {
      // Spread over the last two weeks so the list reads like real work.
      const createdAt = now - (DEMO_INVOICES.length - i) * 11 * 3_600_000;
      const { id } = tx
        .insert(invoices)
        .values({
          number: `pending-${i}`,
          customerName,
          customerEmail,
          customerPhone,
          description,
          amount,
          currency,
          status: 'open',
          createdAt,
          updatedAt: createdAt,
        })
        .returning({ id: invoices.id })
        .get();
      tx.update(invoices)
        .set({ number: invoiceNumberFor(id) })
        .where(eq(invoices.id, id))
        .run();
    });
    tx.insert(auditEvents)
      .values({ at: now, actorUserId: null, action: 'demo.seeded', details: { users: DEMO_USERS.length, invoices: DEMO_INVOICES.length } })
      .run();
    tx.insert(settings)
      .values({ key: SEED_MARKER, value: new Date(now).toISOString(), updatedAt: now })
      .run();
  });
  return { seeded: true };
}

export type DemoSeedResult =
  { seeded: false; reason: 'off' | 'not_empty' | 'already_seeded' } | { seeded: true; users: number; invoices: number; attempts: number };

const exists = (sqlite: Database.Database, sql: string, ...params: unknown[]) =>
  sqlite
    .prepare(`select exists(${sql}) as x`)
    .pluck()
    .get(...params) === 1;

/** No users, no invoices, no payment attempts: a database nobody has used. */
export function isDatabaseEmpty(sqlite: Database.Database) {
  return !['users', 'invoices', 'payment_attempts'].some((table) => exists(sqlite, `select 1 from ${table}`));
}

/**
 * Demo data for sandbox mode, only ever into an empty database: demo users and invoices, then about 90 days of
 * charges (~100 a day, authentication-required declines rising so the upgrade banner shows). A database with
 * anything else in it (generated history, real users) is left as it is, so reports show only its own data.
 * A start cut short after the users and before the history finishes the job on the next start.
 */
export async function seedDemoData(sqlite: Database.Database, db: Db, opts: { enabled: boolean; password: string }): Promise<DemoSeedResult> {
  if (!opts.enabled) return { seeded: false, reason: 'off' };
  const started = exists(sqlite, 'select 1 from settings where key = ?', SEED_MARKER);
  if (started && exists(sqlite, 'select 1 from settings where key = ?', DEMO_HISTORY_MARKER)) return { seeded: false, reason: 'already_seeded' };
  const resuming = started && !exists(sqlite, 'select 1 from payment_attempts');
  if (!resuming && !isDatabaseEmpty(sqlite)) return { seeded: false, reason: 'not_empty' };
  if (!started) await seedDemo(db, opts.password);
  const history = await generateDemoHistory(sqlite, { attempts: 9000, authShare: demoAuthShare });
  return { seeded: true, users: DEMO_USERS.length, invoices: DEMO_INVOICES.length, attempts: history?.attempts ?? 0 };
}
