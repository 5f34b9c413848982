/**
 * Keyed's offline Stripe: a stateful emulator of the parts of Stripe's API the app uses,
 * plus a Stripe.js stand-in. Imports nothing from app/.
 */
import type { AddressInfo } from 'node:net';

import type { AccountCapabilities } from './context.ts';
import { Faults } from './faults.ts';
import { IdempotencyKeys } from './idempotency.ts';
import { createSandboxServer } from './server.ts';
import type { SandboxState } from './state.ts';
import { Store } from './store.ts';
import { WebhookDispatcher } from './webhooks.ts';

export interface SandboxOptions {
  /** 0 picks a free port. Default 12111. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** SQLite file (created with its directory if missing) or ':memory:'. Default data/sandbox.db. */
  dbPath?: string;
  /** Endpoints that receive every event, signed with their secret (in addition to /v1/webhook_endpoints). */
  webhookEndpoints?: { url: string; secret: string }[];
  /** No log lines. */
  quiet?: boolean;
  /** Gated features Stripe has enabled for the emulated account (default: none), e.g. `{ moto: true }`. */
  capabilities?: Partial<AccountCapabilities>;
}

export interface RunningSandbox {
  /** e.g. http://127.0.0.1:12111 */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.quiet ? () => {} : (line: string) => console.log(`[sandbox] ${line}`);
  const store = new Store(opts.dbPath ?? 'data/sandbox.db');
  const state: SandboxState = {
    store,
    idempotency: new IdempotencyKeys(store),
    faults: new Faults(),
    webhooks: new WebhookDispatcher(store, opts.webhookEndpoints ?? [], log),
    latencyMs: 0,
    account: { moto: opts.capabilities?.moto ?? false },
    initialAccount: { moto: opts.capabilities?.moto ?? false },
    baseUrl: '',
    closed: false,
    log,
  };
  const server = createSandboxServer(state);
  // Like api.stripe.com, keep idle connections open longer than clients keep them in their pools, so a client
  // never reuses a socket in the instant the server closes it (ECONNRESET). Node's default is only 5 s.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 12111, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    store.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  state.baseUrl = url;

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    close() {
      closing ??= (async () => {
        state.closed = true;
        state.webhooks.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        store.close();
      })();
      return closing;
    },
  };
}
