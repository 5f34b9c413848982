import { and, asc, eq, isNull, ne, sql } from 'drizzle-orm';

import { audit } from '~/platform/audit.server';
import { getDb } from '~/platform/db.server';
import { hashPassword } from '~/platform/password.server';
import { deleteUserSessions } from '~/platform/session.server';
import { removeTwoFactor } from '~/platform/two-factor.server';

import { type Role, users } from '../../db/schema';

type Actor = { id: number; ip?: string | null };

export function listUsers() {
  return getDb()
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      disabledAt: users.disabledAt,
      chargingPausedAt: users.chargingPausedAt,
      createdAt: users.createdAt,
    })
    .from(users)
    .orderBy(asc(users.name))
    .all();
}

export function getUserForAdmin({ id }: { id: number }) {
  return (
    getDb()
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        role: users.role,
        disabledAt: users.disabledAt,
        chargingPausedAt: users.chargingPausedAt,
        createdAt: users.createdAt,
      })
      .from(users)
      .where(eq(users.id, id))
      .get() ?? null
  );
}

export type UserRefusal = 'email_taken' | 'not_found' | 'last_manager' | 'disable_self';
/** `field` names the form field a refusal belongs to, when it belongs to one. */
export type UserChangeResult = { ok: true; id: number } | { ok: false; reason: UserRefusal; field?: 'email' | 'role' };

export async function createUser(input: { email: string; name: string; role: Role; password: string }, actor: Actor | null): Promise<UserChangeResult> {
  const email = input.email.trim().toLowerCase();
  const passwordHash = await hashPassword(input.password);
  const db = getDb();
  return db.transaction(
    (tx) => {
      if (tx.select({ id: users.id }).from(users).where(eq(users.email, email)).get()) {
        return { ok: false, field: 'email', reason: 'email_taken' };
      }
      const now = Date.now();
      const { id } = tx
        .insert(users)
        .values({ email, name: input.name.trim(), role: input.role, passwordHash, createdAt: now, updatedAt: now })
        .returning({ id: users.id })
        .get();
      audit(
        { actorUserId: actor?.id ?? null, action: 'user.created', subjectType: 'user', subjectId: id, ip: actor?.ip, details: { email, role: input.role } },
        tx,
      );
      return { ok: true, id };
    },
    { behavior: 'immediate' },
  );
}

/** Keyed must always keep one active manager, or no one could manage users again. */
function isLastActiveManager(tx: Pick<ReturnType<typeof getDb>, 'select'>, id: number) {
  const others = tx
    .select({ n: sql<number>`count(*)` })
    .from(users)
    .where(and(eq(users.role, 'manager'), isNull(users.disabledAt), ne(users.id, id)))
    .get();
  return (others?.n ?? 0) === 0;
}

export function changeUserRole({ id, role }: { id: number; role: Role }, actor: Actor): UserChangeResult {
  const db = getDb();
  return db.transaction(
    (tx) => {
      const user = tx.select({ role: users.role, disabledAt: users.disabledAt }).from(users).where(eq(users.id, id)).get();
      if (!user) return { ok: false, reason: 'not_found' };
      if (user.role === role) return { ok: true, id };
      if (user.role === 'manager' && !user.disabledAt && isLastActiveManager(tx, id)) {
        return { ok: false, field: 'role', reason: 'last_manager' };
      }
      tx.update(users).set({ role, updatedAt: Date.now() }).where(eq(users.id, id)).run();
      audit(
        { actorUserId: actor.id, action: 'user.role_changed', subjectType: 'user', subjectId: id, ip: actor.ip, details: { from: user.role, to: role } },
        tx,
      );
      return { ok: true, id };
    },
    { behavior: 'immediate' },
  );
}

/** Disabling ends every session the user has, at once. */
export function setUserDisabled({ id, disabled }: { id: number; disabled: boolean }, actor: Actor): UserChangeResult {
  const db = getDb();
  return db.transaction(
    (tx) => {
      const user = tx.select({ role: users.role, disabledAt: users.disabledAt }).from(users).where(eq(users.id, id)).get();
      if (!user) return { ok: false, reason: 'not_found' };
      if (disabled && id === actor.id) return { ok: false, reason: 'disable_self' };
      if (disabled && user.role === 'manager' && !user.disabledAt && isLastActiveManager(tx, id)) {
        return { ok: false, reason: 'last_manager' };
      }
      const now = Date.now();
      tx.update(users)
        .set({ disabledAt: disabled ? now : null, updatedAt: now })
        .where(eq(users.id, id))
        .run();
      const endedSessions = disabled ? deleteUserSessions(id) : 0;
      audit(
        {
          actorUserId: actor.id,
          action: disabled ? 'user.disabled' : 'user.enabled',
          subjectType: 'user',
          subjectId: id,
          ip: actor.ip,
          details: disabled ? { endedSessions } : undefined,
        },
        tx,
      );
      return { ok: true, id };
    },
    { behavior: 'immediate' },
  );
}

/** A reset ends the user's sessions too: whoever knew the old password is logged out. */
export async function resetUserPassword({ id, password }: { id: number; password: string }, actor: Actor): Promise<UserChangeResult> {
  const passwordHash = await hashPassword(password);
  const db = getDb();
  return db.transaction(
    (tx) => {
      const user = tx.select({ id: users.id }).from(users).where(eq(users.id, id)).get();
      if (!user) return { ok: false, reason: 'not_found' };
      tx.update(users).set({ passwordHash, updatedAt: Date.now() }).where(eq(users.id, id)).run();
      const endedSessions = deleteUserSessions(id);
      audit({ actorUserId: actor.id, action: 'user.password_reset', subjectType: 'user', subjectId: id, ip: actor.ip, details: { endedSessions } }, tx);
      return { ok: true, id };
    },
    { behavior: 'immediate' },
  );
}

/** For a lost phone: the second factor and recovery codes are removed and the user's sessions end. */
export function resetUserTwoFactor({ id }: { id: number }, actor: Actor): UserChangeResult {
  if (!getUserForAdmin({ id })) return { ok: false, reason: 'not_found' };
  removeTwoFactor({ userId: id }, actor);
  deleteUserSessions(id);
  return { ok: true, id };
}

export function saveUserLocale({ userId, locale }: { userId: number; locale: 'en' | 'fr-CA' }) {
  getDb().update(users).set({ locale }).where(eq(users.id, userId)).run();
}
