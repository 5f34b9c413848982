import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import type { ServerBuild } from '@remix-run/node';

import { getDb, getSqlite, openSqlite } from '../app/platform/db.server';
import { type Env, EnvError, parseEnv, startupWarnings } from '../app/platform/env.server';
import type { RuntimeConfig } from '../app/platform/runtime-config.server';
import { migrateDatabase } from '../db/migrate';
import { demoAuthShare } from '../demo/auth-share';
import { seedDemoHistory } from '../demo/demo-history';
import { DEMO_USERS, seedDemo } from '../demo/seed';
import { startSandbox } from '../sandbox/index';
import { createHttpApp } from './http-app';
import { type PaymentOrigins, sandboxOrigins, STRIPE_ORIGINS } from './security-headers';

const MODE_LABEL = { sandbox: 'Sandbox — no real money moves', 'stripe-test': 'Stripe test mode', 'stripe-live': 'Stripe LIVE mode' };

async function main() {
  // A local .env file, when present, fills in variables the environment does not set.
  if (existsSync('.env')) process.loadEnvFile('.env');
  let env: Env;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  for (const warning of startupWarnings(env)) console.warn(warning);

  // Migrations run once here, never per request.
  const sqlite = openSqlite(env.DATABASE_PATH);
  migrateDatabase(sqlite);
  // Fresh statistics for the query planner, cheap when nothing changed (SQLite's advice for long-lived connections).
  sqlite.pragma('optimize');
  sqlite.close();

  let payment: PaymentOrigins = STRIPE_ORIGINS;
  let closeSandbox: (() => Promise<void>) | undefined;
  let runtime: Partial<RuntimeConfig> = {};
  if (env.mode === 'sandbox') {
    // The sandbox signs its webhooks with this secret and the app verifies them with it.
    const webhookSecret = env.STRIPE_WEBHOOK_SECRET ?? `whsec_${randomBytes(24).toString('hex')}`;
    const sandbox = await startSandbox({
      port: env.SANDBOX_PORT,
      dbPath: env.SANDBOX_DB,
      quiet: true,
      webhookEndpoints: [{ url: `http://${env.HOST}:${env.PORT}/webhooks/stripe`, secret: webhookSecret }],
    });
    runtime = { sandboxUrl: sandbox.url, webhookSecret };
    payment = sandboxOrigins(sandbox.url);
    closeSandbox = sandbox.close;
    const { seeded } = await seedDemo(getDb(), env.DEMO_PASSWORD);
    if (seeded) console.log('Seeded demo users and invoices.');
    // About 90 days of charge history, mirrored into the sandbox so refunds on it work like on any charge.
    // A convenience: if the mirror fails, Keyed still starts (refunds of unmirrored demo charges then fail with the
    // sandbox's own "no such charge" answer).
    try {
      const history = await seedDemoHistory(getSqlite(), { sandboxUrl: sandbox.url, attempts: 9000, authShare: demoAuthShare });
      if (history.generated) console.log(`Seeded ${history.generated.attempts.toLocaleString('en-US')} demo charges over 90 days.`);
      if (history.unimportable > 0) console.warn(`${history.unimportable} charge(s) could not be mirrored into the sandbox; refunding them will fail.`);
    } catch (error) {
      console.warn(`The demo history was not mirrored into the sandbox: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  const buildPath = path.resolve('build/index.js');
  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
  const entry = build.entry.module as unknown as {
    configureRuntime: (values: Partial<RuntimeConfig>) => void;
    startBackgroundJobs: () => void;
    stopBackgroundJobs: () => void;
  };
  // The build holds its own copy of the app's modules: hand it the sandbox address and webhook secret.
  entry.configureRuntime(runtime);

  const app = createHttpApp({
    build,
    mode: env.NODE_ENV === 'development' ? 'development' : 'production',
    payment,
    trustProxy: env.TRUST_PROXY,
    httpsOnly: env.httpsOnly,
  });

  const server = app.listen(env.PORT, env.HOST, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : env.PORT;
    console.log(`Keyed is running at http://${env.HOST}:${port}`);
    console.log(`Mode: ${MODE_LABEL[env.mode]}`);
    // Settles whatever a crash left unsettled, then keeps checking every minute.
    entry.startBackgroundJobs();
    if (env.mode === 'sandbox') {
      console.log(`Demo logins (password "${env.DEMO_PASSWORD}"): ${DEMO_USERS.map((u) => u.email).join(', ')}`);
    }
  });

  const shutdown = () => {
    entry.stopBackgroundJobs();
    server.close();
    void closeSandbox?.();
    setTimeout(() => process.exit(0), 500).unref();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

void main();
