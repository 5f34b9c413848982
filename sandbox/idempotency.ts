/**
 * Stripe's idempotency keys: same key + same request → the first response replayed;
 * same key + different request → 400; same key while the first is still running → 409.
 * Keys are scoped to the API key and kept 24 hours. `begin` is synchronous, so the
 * reservation is taken before the request handler awaits anything: no two requests
 * can both pass it (Node runs one callback at a time).
 */
import { createHash } from 'node:crypto';

import { ApiError } from './errors.ts';
import { nowSeconds } from './ids.ts';
import type { IdempotencyRecord, Store } from './store.ts';

const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export type Reservation =
  { kind: 'replay'; record: IdempotencyRecord } | { kind: 'reserved'; finish(status: number, body: string, requestId: string): void; release(): void };

export function requestFingerprint(method: string, path: string, params: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonicalJson(params)}`)
    .digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export class IdempotencyKeys {
  private readonly inFlight = new Set<string>();
  private lastPrune = 0;

  constructor(private readonly store: Store) {}

  /** Throws Stripe's 400/409 idempotency errors; otherwise a replay or a held reservation. */
  begin(scope: string, key: string, fingerprint: string): Reservation {
    this.prune();
    const slot = `${scope}\u0000${key}`;
    if (this.inFlight.has(slot)) {
      throw new ApiError(
        409,
        {
          type: 'idempotency_error',
          code: 'idempotency_key_in_use',
          doc_url: 'https://docs.stripe.com/error-codes/idempotency-key-in-use',
          message: `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
        },
        { 'Stripe-Should-Retry': 'true' },
      );
    }
    const record = this.store.getIdempotency(scope, key);
    if (record && record.created >= nowSeconds() - IDEMPOTENCY_TTL_SECONDS) {
      if (record.fingerprint !== fingerprint) {
        throw new ApiError(400, {
          type: 'idempotency_error',
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        });
      }
      return { kind: 'replay', record };
    }
    this.inFlight.add(slot);
    let open = true;
    const release = () => {
      if (open) this.inFlight.delete(slot);
      open = false;
    };
    return {
      kind: 'reserved',
      finish: (status, body, requestId) => {
        this.store.saveIdempotency(scope, key, { fingerprint, status, body, requestId, created: nowSeconds() });
        release();
      },
      release,
    };
  }

  private prune(): void {
    if (Date.now() - this.lastPrune < 60_000) return;
    this.lastPrune = Date.now();
    this.store.pruneIdempotency(nowSeconds() - IDEMPOTENCY_TTL_SECONDS);
  }
}
