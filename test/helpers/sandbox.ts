import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach } from 'vitest';

import { configureRuntime } from '~/platform/runtime-config.server';
import { SANDBOX_PUBLISHABLE_KEY, SANDBOX_SECRET_KEY } from '~/platform/stripe.server';

import { startSandbox } from '../../sandbox/index';

export type SandboxHandle = {
  url: string;
  port: number;
  /** The official SDK with the secret key, for looking at what the sandbox holds. */
  stripe: Stripe;
  /** Creates a PaymentMethod the way the browser does: with the publishable key, so card data never touches Keyed. */
  paymentMethod(number: string, extra?: { cvc?: string; postal?: string }): Promise<string>;
  control(path: string, body?: unknown, method?: string): Promise<unknown>;
};

/** One sandbox per test file (in memory), reset before each test; the runtime config points the app at it. */
export function useSandbox(): SandboxHandle {
  const handle = {} as SandboxHandle;
  let close: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    const sandbox = await startSandbox({ port: 0, dbPath: ':memory:', quiet: true });
    close = sandbox.close;
    configureRuntime({ sandboxUrl: sandbox.url });
    handle.url = sandbox.url;
    handle.port = sandbox.port;
    handle.stripe = new Stripe(SANDBOX_SECRET_KEY, { host: '127.0.0.1', port: sandbox.port, protocol: 'http' });
    const browser = new Stripe(SANDBOX_PUBLISHABLE_KEY, { host: '127.0.0.1', port: sandbox.port, protocol: 'http' });
    handle.paymentMethod = async (number, extra = {}) => {
      const pm = await browser.paymentMethods.create({
        type: 'card',
        card: { number, exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, cvc: extra.cvc ?? '123' },
        billing_details: { name: 'Test Customer', address: { postal_code: extra.postal ?? '10001' } },
      } as Stripe.PaymentMethodCreateParams);
      return pm.id;
    };
    handle.control = async (path, body, method = 'POST') => {
      const response = await fetch(`${sandbox.url}/__sandbox/${path}`, {
        method,
        headers: { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`sandbox control ${path}: ${response.status} ${await response.text()}`);
      return response.json();
    };
  });
  beforeEach(async () => {
    await handle.control('reset', {});
  });
  afterAll(async () => {
    await close();
  });
  return handle;
}
