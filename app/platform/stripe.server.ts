import Stripe from 'stripe';

import { getEnv } from './env.server';
import { getMetrics, stripePathTemplate } from './metrics.server';
import { getRuntimeConfig } from './runtime-config.server';

// Keys the sandbox accepts, like stripe-mock accepts any well-formed test key. Not secrets.
export const SANDBOX_SECRET_KEY = 'sk_test_keyedsandbox';
export const SANDBOX_PUBLISHABLE_KEY = 'pk_test_keyedsandbox';

/**
 * Stripe keeps idempotency keys for at least 24 hours. Keyed re-sends a request under its old key only inside this
 * window (with an hour to spare), so a re-send can never become a second charge or refund.
 */
export const STRIPE_IDEMPOTENCY_RESEND_WINDOW_MS = 23 * 3_600_000;

let cached: { signature: string; client: Stripe } | undefined;

/**
 * The one Stripe client. The payment code is identical in every mode: only host/port/protocol differ,
 * pointing at the embedded sandbox when no Stripe keys are set.
 */
export function getStripe(): Stripe {
  const env = getEnv();
  const { sandboxUrl } = getRuntimeConfig();
  const signature = sandboxUrl ? `sandbox:${sandboxUrl}` : env.STRIPE_SECRET_KEY!;
  if (cached?.signature !== signature) {
    const common = { maxNetworkRetries: 2, timeout: 30_000, appInfo: { name: 'Keyed', version: '0.1.0' }, httpClient: measuredHttpClient() } as const;
    const sandbox = sandboxUrl ? new URL(sandboxUrl) : null;
    const client = sandbox
      ? new Stripe(SANDBOX_SECRET_KEY, { ...common, host: sandbox.hostname, port: Number(sandbox.port), protocol: 'http' })
      : new Stripe(env.STRIPE_SECRET_KEY!, common);
    cached = { signature, client };
  }
  return cached.client;
}

/**
 * Stripe's own Node HTTP client, timed: each try (retries included) is one observation, and a try with no answer
 * at all (refused, reset, timed out) counts as network_error, which Stripe's response events never report.
 */
function measuredHttpClient(): Stripe.HttpClient {
  const inner = Stripe.createNodeHttpClient();
  const { stripeDuration, stripeErrors } = getMetrics();
  const measured: Pick<Stripe.HttpClient, 'getClientName' | 'makeRequest'> = {
    getClientName: () => inner.getClientName(),
    async makeRequest(host, port, path, method, headers, requestData, protocol, timeout) {
      const labels = { method, path: stripePathTemplate(path) };
      const stop = stripeDuration.startTimer(labels);
      try {
        const response = await inner.makeRequest(host, port, path, method, headers, requestData, protocol, timeout);
        const status = response.getStatusCode();
        stop({ status: String(status) });
        if (status === 429) stripeErrors.inc({ kind: 'http_429' });
        else if (status >= 500) stripeErrors.inc({ kind: 'http_5xx' });
        else if (status >= 400) stripeErrors.inc({ kind: 'http_4xx' });
        return response;
      } catch (error) {
        stop({ status: 'network_error' });
        stripeErrors.inc({ kind: 'network_error' });
        throw error;
      }
    },
  };
  return measured as Stripe.HttpClient;
}

/** What the browser needs to load Stripe.js: the sandbox serves its stand-in from its own origin. */
export function getStripeJsConfig() {
  const { sandboxUrl } = getRuntimeConfig();
  if (sandboxUrl) return { publishableKey: SANDBOX_PUBLISHABLE_KEY, scriptUrl: `${sandboxUrl}/v3/` };
  return { publishableKey: getEnv().STRIPE_PUBLISHABLE_KEY!, scriptUrl: null };
}

export function getWebhookSecret() {
  return getRuntimeConfig().webhookSecret;
}

/** Dashboard links exist only for real Stripe accounts. */
export function stripeDashboardUrl(path: string) {
  const mode = getEnv().mode;
  if (mode === 'sandbox') return null;
  return `https://dashboard.stripe.com/${mode === 'stripe-test' ? 'test/' : ''}${path}`;
}

/** An error the stripe package raised (StripeCardError, StripeConnectionError, …), rather than a bug of ours. */
export function isStripeError(error: unknown): error is Stripe.errors.StripeError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { type?: unknown }).type === 'string' &&
    (error as { type: string }).type.startsWith('Stripe')
  );
}
