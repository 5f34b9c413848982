import { randomBytes } from 'node:crypto';

import { createCookie } from '@remix-run/node';
import { z } from 'zod';

import { cookieName, secureCookies } from './cookies.server';
import { sessionSecrets } from './session.server';

/**
 * OWASP's "device cookie": after a complete login, the browser gets a signed cookie naming the account and a
 * random device id. Later password attempts for that account from this browser count against the device's own
 * throttle key instead of the account's, so whoever guesses elsewhere cannot lock the owner out. It proves nothing
 * by itself: the password (and second factor) are still required.
 */
const MAX_ACCOUNTS = 5;
const DeviceEntries = z.array(z.object({ u: z.number().int().positive(), d: z.string().regex(/^[A-Za-z0-9_-]{22}$/) })).max(MAX_ACCOUNTS);
type DeviceEntries = z.infer<typeof DeviceEntries>;

function deviceCookie(request: Request) {
  const secure = secureCookies(request);
  return createCookie(cookieName('keyed_device', secure), {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: 180 * 24 * 3600,
    secrets: sessionSecrets(),
  });
}

async function readEntries(request: Request): Promise<DeviceEntries> {
  const parsed = DeviceEntries.safeParse(await deviceCookie(request).parse(request.headers.get('Cookie')));
  return parsed.success ? parsed.data : [];
}

/** This browser's device id for the account, when it has logged in to it before. */
export async function trustedDeviceId(request: Request, userId: number | null): Promise<string | null> {
  if (userId === null) return null;
  return (await readEntries(request)).find((entry) => entry.u === userId)?.d ?? null;
}

/** The Set-Cookie value that remembers this browser for the account (a shared terminal keeps up to five accounts). */
export async function rememberDevice(request: Request, userId: number): Promise<string> {
  const entries = await readEntries(request);
  const existing = entries.find((entry) => entry.u === userId);
  const entry = existing ?? { u: userId, d: randomBytes(16).toString('base64url') };
  const next = [entry, ...entries.filter((e) => e.u !== userId)].slice(0, MAX_ACCOUNTS);
  return deviceCookie(request).serialize(next);
}
