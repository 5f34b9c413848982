import { settings } from '../../db/schema';
import { getDb } from './db.server';
import { getStripe } from './stripe.server';

// Probes come every few seconds; Stripe's answer is reused this long so readiness never adds real API traffic.
const STRIPE_CHECK_TTL_MS = 30_000;
const STRIPE_TIMEOUT_MS = 3_000;
const PROBE_KEY = 'readiness_probe_at';

export type Readiness = { ok: boolean; database: 'ok' | 'unwritable'; stripe: 'ok' | 'unreachable' };

/** A real write (a one-row upsert), since a database that can be read but not written takes no charge. */
export function databaseWritable(now = Date.now()) {
  try {
    getDb()
      .insert(settings)
      .values({ key: PROBE_KEY, value: String(now), updatedAt: now })
      .onConflictDoUpdate({ target: settings.key, set: { value: String(now), updatedAt: now } })
      .run();
    return true;
  } catch {
    return false;
  }
}

let lastStripeCheck: { at: number; ok: boolean } | undefined;

/** Whether Stripe (or the sandbox) answers an authenticated request: the cheapest list call, no retries. */
export async function stripeReachable(now = Date.now()) {
  if (lastStripeCheck && now - lastStripeCheck.at < STRIPE_CHECK_TTL_MS) return lastStripeCheck.ok;
  let ok: boolean;
  try {
    await getStripe().paymentIntents.list({ limit: 1 }, { timeout: STRIPE_TIMEOUT_MS, maxNetworkRetries: 0 });
    ok = true;
  } catch {
    ok = false;
  }
  lastStripeCheck = { at: now, ok };
  return ok;
}

/** Tests change the sandbox between cases. */
export function forgetStripeCheck() {
  lastStripeCheck = undefined;
}

/** Ready to take payments: the database takes writes and Stripe answers. /healthz stays the cheap liveness check. */
export async function readiness(): Promise<Readiness> {
  const database = databaseWritable() ? 'ok' : 'unwritable';
  const stripe = (await stripeReachable()) ? 'ok' : 'unreachable';
  return { ok: database === 'ok' && stripe === 'ok', database, stripe };
}
