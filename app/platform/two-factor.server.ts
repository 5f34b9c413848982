import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

import { and, eq, isNull } from 'drizzle-orm';
import { generateSecret, generateURI, verifySync } from 'otplib';
import QRCode from 'qrcode';

import { getSettings } from '~/settings/settings.server';

import { recoveryCodes, type Role, twoFactorCredentials } from '../../db/schema';
import { audit } from './audit.server';
import { getDb, type Tx } from './db.server';
import { getEnv } from './env.server';
import type { Actor } from './permissions';

const ISSUER = 'Keyed';
// One 30-second step either side: a phone's clock a little off, or a code typed just as it changed.
const TOLERANCE_SECONDS = 30;
const RECOVERY_CODE_COUNT = 10;

/** Whether the user must log in with a second factor: per role, from settings; never for demo accounts in sandbox mode. */
export function twoFactorRequired(user: { role: Role; demoAccount: boolean }) {
  if (user.demoAccount && getEnv().mode === 'sandbox') return false;
  const settings = getSettings();
  return settings[`two_factor_${user.role}`] === 1;
}

export function isTwoFactorEnrolled(userId: number) {
  const row = getDb().select({ confirmedAt: twoFactorCredentials.confirmedAt }).from(twoFactorCredentials).where(eq(twoFactorCredentials.userId, userId)).get();
  return Boolean(row?.confirmedAt);
}

/** The secret being enrolled (a new one unless enrolment already started), with its QR code as an SVG data URL. */
export async function startEnrolment({ userId, email }: { userId: number; email: string }) {
  const db = getDb();
  let row = db.select().from(twoFactorCredentials).where(eq(twoFactorCredentials.userId, userId)).get();
  if (row?.confirmedAt) return { ok: false as const, reason: 'already_enrolled' as const };
  if (!row) {
    row = db.insert(twoFactorCredentials).values({ userId, secret: generateSecret() }).returning().get();
  }
  const uri = generateURI({ issuer: ISSUER, label: email, secret: row.secret });
  // Rendered here, never by a third-party service: the secret must not leave Keyed except to the user's screen.
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  return { ok: true as const, secret: row.secret, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
}

function checkCode(secret: string, code: string, lastUsedStep: number | null, now: number) {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const result = verifySync({
    secret,
    token,
    epoch: Math.floor(now / 1000),
    epochTolerance: TOLERANCE_SECONDS,
    ...(lastUsedStep === null ? {} : { afterTimeStep: lastUsedStep }),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/** Confirms enrolment with a first code and returns the recovery codes, shown once. */
export function confirmEnrolment({ userId, code }: { userId: number; code: string }, actor: Actor, now = Date.now()) {
  const db = getDb();
  return db.transaction(
    (tx) => {
      const row = tx.select().from(twoFactorCredentials).where(eq(twoFactorCredentials.userId, userId)).get();
      if (!row || row.confirmedAt) return { ok: false as const, reason: 'not_enrolling' as const };
      const step = checkCode(row.secret, code, row.lastUsedStep, now);
      if (step === null) return { ok: false as const, reason: 'bad_code' as const };
      tx.update(twoFactorCredentials).set({ confirmedAt: now, lastUsedStep: step }).where(eq(twoFactorCredentials.userId, userId)).run();
      const codes = replaceRecoveryCodes(tx, userId);
      audit({ actorUserId: actor.id, action: 'two_factor.enrolled', subjectType: 'user', subjectId: userId, ip: actor.ip }, tx);
      return { ok: true as const, recoveryCodes: codes };
    },
    { behavior: 'immediate' },
  );
}

function hashRecoveryCode(code: string) {
  return createHash('sha256').update(code.replace(/[\s-]/g, '').toLowerCase()).digest('hex');
}

function replaceRecoveryCodes(tx: Tx, userId: number): string[] {
  tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)).run();
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const raw = randomBytes(8).toString('hex').slice(0, 10);
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
  for (const code of codes)
    tx.insert(recoveryCodes)
      .values({ userId, codeHash: hashRecoveryCode(code) })
      .run();
  return codes;
}

export function regenerateRecoveryCodes({ userId }: { userId: number }, actor: Actor) {
  return getDb().transaction(
    (tx) => {
      if (!tx.select().from(twoFactorCredentials).where(eq(twoFactorCredentials.userId, userId)).get()?.confirmedAt) {
        return { ok: false as const, reason: 'not_enrolled' as const };
      }
      const codes = replaceRecoveryCodes(tx, userId);
      audit({ actorUserId: actor.id, action: 'two_factor.recovery_codes_regenerated', subjectType: 'user', subjectId: userId, ip: actor.ip }, tx);
      return { ok: true as const, recoveryCodes: codes };
    },
    { behavior: 'immediate' },
  );
}

export type SecondFactorCheck = { ok: true; method: 'totp' | 'recovery_code'; recoveryCodesLeft: number } | { ok: false; reason: 'bad_code' };

/** Checks a login's second factor: a TOTP code not used before, or an unused recovery code (then spent). */
export function verifySecondFactor({ userId, code }: { userId: number; code: string }, now = Date.now()): SecondFactorCheck {
  return getDb().transaction(
    (tx) => {
      const row = tx.select().from(twoFactorCredentials).where(eq(twoFactorCredentials.userId, userId)).get();
      if (!row?.confirmedAt) return { ok: false, reason: 'bad_code' };
      const step = checkCode(row.secret, code, row.lastUsedStep, now);
      const unused = () =>
        tx
          .select({ id: recoveryCodes.id, codeHash: recoveryCodes.codeHash })
          .from(recoveryCodes)
          .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)))
          .all();
      if (step !== null) {
        tx.update(twoFactorCredentials).set({ lastUsedStep: step }).where(eq(twoFactorCredentials.userId, userId)).run();
        return { ok: true, method: 'totp', recoveryCodesLeft: unused().length };
      }
      const wanted = Buffer.from(hashRecoveryCode(code), 'hex');
      const codes = unused();
      const match = codes.find((c) => timingSafeEqual(Buffer.from(c.codeHash, 'hex'), wanted));
      if (!match) return { ok: false, reason: 'bad_code' };
      tx.update(recoveryCodes).set({ usedAt: now }).where(eq(recoveryCodes.id, match.id)).run();
      return { ok: true, method: 'recovery_code', recoveryCodesLeft: codes.length - 1 };
    },
    { behavior: 'immediate' },
  );
}

/** Removes a user's second factor: the user themself (when not required) or a manager (a lost phone). */
export function removeTwoFactor({ userId }: { userId: number }, actor: Actor) {
  return getDb().transaction(
    (tx) => {
      const removed = tx.delete(twoFactorCredentials).where(eq(twoFactorCredentials.userId, userId)).run().changes;
      tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)).run();
      if (removed) audit({ actorUserId: actor.id, action: 'two_factor.removed', subjectType: 'user', subjectId: userId, ip: actor.ip }, tx);
      return { ok: true as const, removed: removed > 0 };
    },
    { behavior: 'immediate' },
  );
}

export function recoveryCodesLeft(userId: number) {
  return getDb()
    .select({ id: recoveryCodes.id })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)))
    .all().length;
}
