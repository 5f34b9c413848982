import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics. One registry per process on globalThis: the launcher and the Remix build each load this
 * module, and a metric registered twice under one name would throw.
 */
type Metrics = ReturnType<typeof createMetrics>;
const SHARED = Symbol.for('keyed.metrics');

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    /** What each scraped gauge reads; shared like the registry, so the newest reader wins whichever copy set it. */
    readers: new Map<string, () => void | Promise<void>>(),
    httpDuration: new Histogram({
      name: 'keyed_http_request_duration_seconds',
      help: 'HTTP requests by Remix route id (not raw URL), method and status',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    charges: new Counter({
      name: 'keyed_charges_total',
      help: 'Payment attempts settled, by outcome (succeeded, failed, blocked) or left unknown, and by what settled them',
      labelNames: ['outcome', 'source'] as const,
      registers,
    }),
    stripeDuration: new Histogram({
      name: 'keyed_stripe_request_duration_seconds',
      help: 'Calls to the Stripe API (or the sandbox), by method, path template and status (network_error when there was no answer)',
      labelNames: ['method', 'path', 'status'] as const,
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    stripeErrors: new Counter({
      name: 'keyed_stripe_errors_total',
      help: 'Stripe calls that failed: http_4xx, http_5xx, http_429 or network_error',
      labelNames: ['kind'] as const,
      registers,
    }),
    webhookLag: new Histogram({
      name: 'keyed_webhook_lag_seconds',
      help: 'From a Stripe event being created to Keyed receiving it (signed events only)',
      labelNames: ['type'] as const,
      buckets: [0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 6 * 3600, 86_400],
      registers,
    }),
    loginThrottled: new Counter({
      name: 'keyed_login_throttled_total',
      help: 'Login attempts refused because the account or address is locked after repeated failures',
      registers,
    }),
    loginFailures: new Counter({
      name: 'keyed_login_failures_total',
      help: 'Login attempts with a wrong email or password',
      registers,
    }),
  };
}

export function getMetrics(): Metrics {
  const slot = globalThis as Record<symbol, Metrics | undefined>;
  slot[SHARED] ??= createMetrics();
  return slot[SHARED];
}

/**
 * A gauge whose value is read when Prometheus scrapes (the database is the truth, not a counter in memory).
 * Registered once; a later call replaces the reader (tests open a new database per case).
 */
export function scrapedGauge<L extends string>(
  config: { name: string; help: string; labelNames?: readonly L[] },
  read: (gauge: Gauge<L>) => void | Promise<void>,
): Gauge<L> {
  const { registry, readers } = getMetrics();
  let gauge = registry.getSingleMetric(config.name) as Gauge<L> | undefined;
  if (!gauge) {
    gauge = new Gauge<L>({
      ...config,
      labelNames: config.labelNames ?? [],
      registers: [registry],
      async collect() {
        await readers.get(config.name)?.();
      },
    });
  }
  const target = gauge;
  readers.set(config.name, () => read(target));
  return gauge;
}

/** Stripe ids in a path become :id, so the label set stays small (/v1/payment_intents/:id/confirm). */
export function stripePathTemplate(path: string) {
  return path.split('?')[0]!.replace(/\/[a-z]{2,5}_[A-Za-z0-9_]+/g, '/:id');
}
