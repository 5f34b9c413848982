import { getEnv } from './env.server';

/**
 * Values known only once the launcher is running: where the sandbox listens (it may pick a free port) and the
 * webhook secret it signs with. The launcher hands them over here instead of writing to process.env, so the
 * validated environment stays the only source of configuration.
 */
export type RuntimeConfig = { sandboxUrl: string | null; webhookSecret: string | null };

let overrides: Partial<RuntimeConfig> = {};

export function configureRuntime(values: Partial<RuntimeConfig>) {
  overrides = { ...overrides, ...values };
}

export function getRuntimeConfig(): RuntimeConfig {
  const env = getEnv();
  return {
    sandboxUrl: env.mode === 'sandbox' ? (overrides.sandboxUrl ?? `http://127.0.0.1:${env.SANDBOX_PORT}`) : null,
    webhookSecret: overrides.webhookSecret ?? env.STRIPE_WEBHOOK_SECRET ?? null,
  };
}
