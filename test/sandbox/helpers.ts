/** The one setup every sandbox test file shares: a sandbox on a free port, the official SDK, raw calls. */
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach } from 'vitest';

import { type SandboxOptions, startSandbox } from '../../sandbox/index.ts';

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

/** Stripe's `error` object, as the tests read it. */
interface ErrorBody {
  type: string;
  code?: string;
  decline_code?: string;
  message: string;
  param?: string;
  doc_url?: string;
  charge: string;
  payment_intent: Stripe.PaymentIntent;
  payment_method?: Stripe.PaymentMethod;
}

/** A JSON answer read loosely: an object's fields, an error body, or a list's items. */
interface JsonBody {
  [field: string]: unknown;
  id: string;
  object: string;
  status: string;
  error: ErrorBody;
  data: JsonBody[];
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: JsonBody;
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
  return { status: res.status, headers: res.headers, text, json: text ? (JSON.parse(text) as JsonBody) : ({} as JsonBody) };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A thrown Stripe error with its raw body, for assertions. */
export type CaughtStripeError = Omit<Stripe.errors.StripeError, 'raw'> & { raw: ErrorBody };

export async function stripeError(promise: Promise<unknown>): Promise<CaughtStripeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error as CaughtStripeError;
    throw error;
  }
  throw new Error('expected the call to fail');
}

export function nextYear(): number {
  return new Date().getUTCFullYear() + 1;
}
