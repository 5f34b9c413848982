import { z } from 'zod';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const countryList = z
  .string()
  .trim()
  .transform((v) => (v === '' ? [] : v.split(',').map((c) => c.trim().toUpperCase())))
  .pipe(z.array(z.string().regex(/^[A-Z]{2}$/, 'use ISO 3166 two-letter codes, e.g. US,CA')));

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_PATH: z.string().trim().min(1).default('data/keyed.db'),
  SESSION_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().positive().default(12),
  STRIPE_SECRET_KEY: optionalString.pipe(
    z
      .string()
      .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/, 'expected sk_test_… or sk_live_…')
      .optional(),
  ),
  STRIPE_PUBLISHABLE_KEY: optionalString.pipe(
    z
      .string()
      .regex(/^pk_(test|live)_[A-Za-z0-9]+$/, 'expected pk_test_… or pk_live_…')
      .optional(),
  ),
  STRIPE_WEBHOOK_SECRET: optionalString.pipe(
    z
      .string()
      .regex(/^whsec_\w+$/, 'expected whsec_…')
      .optional(),
  ),
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(12111),
  SANDBOX_DB: z.string().trim().min(1).default('data/sandbox.db'),
  DEMO_PASSWORD: z.string().min(8).max(128).default('keyed-demo-pass'),
  ALLOWED_CARD_COUNTRIES: countryList.optional(),
  // Demo users, invoices and charge history in sandbox mode, only ever into an empty database.
  KEYED_DEMO: z.enum(['on', 'off'], { errorMap: () => ({ message: 'use on or off' }) }).default('on'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Lets a scraper that is not on this machine read /metrics (Authorization: Bearer …); loopback needs none.
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  TRUST_PROXY: z
    .enum(['', '0', '1'], { errorMap: () => ({ message: 'use 1 behind one reverse proxy, else leave empty' }) })
    .optional()
    .transform((v) => v === '1'),
  ALLOW_INSECURE_HTTP: z
    .enum(['', '0', '1'], { errorMap: () => ({ message: 'use 1 only to serve Keyed over plain HTTP outside sandbox mode, else leave empty' }) })
    .optional()
    .transform((v) => v === '1'),
});

export type Env = z.infer<typeof EnvSchema> & {
  mode: Mode;
  /** Secure, `__Host-` cookies and HSTS whatever the request looks like: outside sandbox mode unless ALLOW_INSECURE_HTTP=1. */
  httpsOnly: boolean;
};
export type Mode = 'sandbox' | 'stripe-test' | 'stripe-live';

export class EnvError extends Error {}

/** Rules across variables, checked on the raw values so they are reported alongside any other bad value. */
function crossFieldIssues(source: Record<string, string | undefined>): string[] {
  const set = (name: string) => Boolean(source[name]?.trim());
  const issues: string[] = [];
  if (set('STRIPE_SECRET_KEY') !== set('STRIPE_PUBLISHABLE_KEY')) {
    issues.push(
      `${set('STRIPE_SECRET_KEY') ? 'STRIPE_PUBLISHABLE_KEY' : 'STRIPE_SECRET_KEY'}: set both STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY, or neither for sandbox mode`,
    );
  }
  if (set('STRIPE_SECRET_KEY') && !set('SESSION_SECRET')) issues.push('SESSION_SECRET: required outside sandbox mode');
  if (set('STRIPE_SECRET_KEY') && !set('STRIPE_WEBHOOK_SECRET'))
    issues.push('STRIPE_WEBHOOK_SECRET: required with Stripe keys, so webhooks can settle payments');
  return issues;
}

/** Parses an environment, naming every bad variable; throws EnvError so start-up stops with a clear message. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  const issues = [
    ...(result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`)),
    ...crossFieldIssues(source),
  ];
  if (!result.success || issues.length > 0) {
    throw new EnvError(`Invalid environment:\n${issues.map((line) => `  ${line}`).join('\n')}`);
  }
  const env = result.data;
  const mode: Mode = !env.STRIPE_SECRET_KEY ? 'sandbox' : env.STRIPE_SECRET_KEY.includes('_live_') ? 'stripe-live' : 'stripe-test';
  return { ...env, mode, httpsOnly: mode !== 'sandbox' && !env.ALLOW_INSECURE_HTTP };
}

/** What start-up prints before serving: settings that are allowed but weaken Keyed. */
export function startupWarnings(env: Env): string[] {
  const warnings: string[] = [];
  if (env.mode !== 'sandbox' && env.ALLOW_INSECURE_HTTP) {
    warnings.push(
      'WARNING: ALLOW_INSECURE_HTTP=1: session cookies are sent without Secure and no HSTS header is set. ' +
        'Use it only on a private network; serve Keyed over HTTPS for anything else.',
    );
  }
  return warnings;
}

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Tests change process.env between cases; this makes the next getEnv() read it again. */
export function resetEnvCache() {
  cached = undefined;
}
