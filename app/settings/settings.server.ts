import { eq, inArray } from 'drizzle-orm';
import { z } from 'zod';

import { audit } from '~/platform/audit.server';
import { getDb } from '~/platform/db.server';

import { settings } from '../../db/schema';

// Business settings managers change at /settings. Stored as text; parsed and defaulted here, in one place.
const SETTINGS = {
  /** Authentication-required share of attempts over 7 days that turns the upgrade signal on by itself. */
  upgrade_threshold_share: { schema: z.coerce.number().min(0.001).max(0.5), fallback: 0.02 },
  /** Refunds above this many minor units need a manager. */
  refund_approval_threshold: { schema: z.coerce.number().int().min(0).max(99_999_999), fallback: 50_000 },
  /** 1 when every user of the role must log in with a second factor (managers and finance by default, PCI DSS 8.4). */
  two_factor_staff: { schema: z.coerce.number().int().min(0).max(1), fallback: 0 },
  two_factor_finance: { schema: z.coerce.number().int().min(0).max(1), fallback: 1 },
  two_factor_manager: { schema: z.coerce.number().int().min(0).max(1), fallback: 1 },
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type Settings = { [K in SettingKey]: number };

export function getSettings(): Settings {
  const keys = Object.keys(SETTINGS) as SettingKey[];
  const rows = getDb().select().from(settings).where(inArray(settings.key, keys)).all();
  const stored = new Map(rows.map((r) => [r.key, r.value]));
  return Object.fromEntries(
    keys.map((key) => {
      const parsed = SETTINGS[key].schema.safeParse(stored.get(key));
      return [key, parsed.success && stored.has(key) ? parsed.data : SETTINGS[key].fallback];
    }),
  ) as Settings;
}

export function updateSetting(key: SettingKey, value: number, actor: { id: number; ip?: string | null }) {
  const db = getDb();
  db.transaction((tx) => {
    const before = tx.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).get()?.value ?? null;
    const now = Date.now();
    tx.insert(settings)
      .values({ key, value: String(value), updatedAt: now })
      .onConflictDoUpdate({ target: settings.key, set: { value: String(value), updatedAt: now } })
      .run();
    audit(
      { actorUserId: actor.id, action: 'settings.changed', subjectType: 'setting', subjectId: key, ip: actor.ip, details: { from: before, to: String(value) } },
      tx,
    );
  });
}
