/** The one setup every sandbox test file shares: a sandbox on a free port, the official SDK, raw calls. */
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startSandbox, type SandboxOptions } from '../../sandbox/index.ts';

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

export function startTestSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ port: 0, dbPath: ':memory:', quiet: true, ...opts });
}

export interface SandboxFixture {
  sandbox: Sandbox;
  /** The official SDK with a secret key, configured as the app configures it. */
  stripe: Stripe;
}

/**
 * One in-memory sandbox for the test file, closed after it. `resetEach` wipes objects, keys, faults and
 * capabilities before every test; `options` is read when the sandbox starts (after earlier beforeAll hooks).
 */
export function useSandbox(opts: { resetEach?: boolean; options?: () => SandboxOptions } = {}): SandboxFixture {
  const fixture = {} as SandboxFixture;
  beforeAll(async () => {
    fixture.sandbox = await startTestSandbox(opts.options?.());
    fixture.stripe = stripeFor(fixture.sandbox);
  });
  afterAll(() => fixture.sandbox?.close());
  if (opts.resetEach) {
    beforeEach(async () => {
      await control(fixture.sandbox, 'reset');
    });
  }
  return fixture;
}

/** The official SDK, configured exactly as the app configures it in sandbox mode. */
export function stripeFor(sandbox: Sandbox, opts: { key?: string; maxNetworkRetries?: number } = {}): Stripe {
  return new Stripe(opts.key ?? 'sk_test_anything', {
    host: '127.0.0.1',
    port: sandbox.port,
    protocol: 'http',
    maxNetworkRetries: opts.maxNetworkRetries ?? 0,
  });
}

export async function control(sandbox: Sandbox, path: string, body?: unknown, method = 'POST'): Promise<unknown> {
  const res = await fetch(`${sandbox.url}/__sandbox/${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`control ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** A form-encoded API call without the SDK, to see status, headers and bytes. */
export async function rawApi(
  sandbox: Sandbox,
  method: string,
  path: string,
  params: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const body = new URLSearchParams(params).toString();
  const res = await fetch(`${sandbox.url}${path}${method === 'GET' && body ? `?${body}` : ''}`, {
    method,
    headers: {
      Authorization: 'Bearer sk_test_anything',
      'Content-Type': 'application/x-www-form-urlencoded',
      ...headers,
    },
    body: method === 'GET' ? undefined : body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : null };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A thrown Stripe error with its raw body, for assertions. */
export async function stripeError(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

export function nextYear(): number {
  return new Date().getUTCFullYear() + 1;
}
