import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import type { ServerBuild } from '@remix-run/node';
import type { RequestHandler } from 'express';

import { closeDb, getDb, getSqlite } from '../app/platform/db.server';
import { type Env, EnvError, parseEnv, startupWarnings } from '../app/platform/env.server';
import { flushLogs, getLogger } from '../app/platform/logger.server';
import type { RuntimeConfig } from '../app/platform/runtime-config.server';
import { DAY_MS } from '../app/platform/utc-day';
import { migrateDatabase } from '../db/migrate';
import { mirrorHistoryToSandbox } from '../demo/demo-history';
import { DEMO_USERS, seedDemoData } from '../demo/seed';
import { startSandbox } from '../sandbox/index';
import { createHttpApp } from './http-app';
import { metricsHandler, requestObservability } from './observability';
import { routeIdMatcher } from './route-ids';
import { type PaymentOrigins, sandboxOrigins, STRIPE_ORIGINS } from './security-headers';
import { shutDown } from './shutdown';

const MODE_LABEL = { sandbox: 'Sandbox — no real money moves', 'stripe-test': 'Stripe test mode', 'stripe-live': 'Stripe LIVE mode' };
const DEFAULT_DEMO_PASSWORD = 'keyed-demo-pass';
// Charges settle within seconds; past this, what is left is settled by the reconciler at the next start.
const SHUTDOWN_GRACE_MS = 20_000;
// The sandbox keeps copies of the charges people may refund: the last 90 days, as Stripe's refund window goes.
const MIRROR_DAYS = 91;
const MIRROR_DELAY_MS = 3_000;

type Entry = {
  configureRuntime: (values: Partial<RuntimeConfig>) => void;
  startBackgroundJobs: () => void;
  stopBackgroundJobs: () => Promise<void>;
  registerBacklogMetrics: () => void;
  waitForInFlightCharges: (timeoutMs: number) => Promise<boolean>;
  closeDb: () => void;
};

function readEnv(): Env {
  // A local .env file, when present, fills in variables the environment does not set.
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return parseEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

async function main() {
  const env = readEnv();
  const logger = getLogger();
  for (const warning of startupWarnings(env)) logger.warn(warning);
  const phases: Record<string, number> = {};
  const timed = async <T>(name: string, work: () => T | Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      phases[name] = Math.round(performance.now() - started);
    }
  };

  // Migrations run once here, never per request.
  const sqlite = getSqlite();
  await timed('migrate', () => migrateDatabase(sqlite));
  // Fresh planner statistics, cheap when nothing changed (SQLite's advice for long-lived connections); the limit
  // bounds the work when a table did change a lot (a generated history), instead of scanning it whole.
  await timed('optimize', () => {
    sqlite.pragma('analysis_limit = 1000');
    sqlite.pragma('optimize');
  });

  let payment: PaymentOrigins = STRIPE_ORIGINS;
  let closeSandbox: (() => Promise<void>) | undefined;
  let runtime: Partial<RuntimeConfig> = {};
  if (env.mode === 'sandbox') {
    // The sandbox signs its webhooks with this secret and the app verifies them with it.
    const webhookSecret = env.STRIPE_WEBHOOK_SECRET ?? `whsec_${randomBytes(24).toString('hex')}`;
    const sandbox = await timed('sandbox', () =>
      startSandbox({
        port: env.SANDBOX_PORT,
        dbPath: env.SANDBOX_DB,
        quiet: true,
        webhookEndpoints: [{ url: `http://${env.HOST}:${env.PORT}/webhooks/stripe`, secret: webhookSecret }],
      }),
    );
    runtime = { sandboxUrl: sandbox.url, webhookSecret };
    payment = sandboxOrigins(sandbox.url);
    closeSandbox = sandbox.close;
    const demo = await timed('demo', () => seedDemoData(sqlite, getDb(), { enabled: env.KEYED_DEMO === 'on', password: env.DEMO_PASSWORD }));
    if (demo.seeded)
      logger.info({ demo }, `Seeded demo data: ${demo.users} users, ${demo.invoices} invoices, ${demo.attempts.toLocaleString('en-US')} charges over 90 days.`);
    else if (demo.reason === 'not_empty') logger.info('The database already holds data: no demo data added (KEYED_DEMO seeds only an empty database).');
  }

  const build = await timed('build', async () => (await import(pathToFileURL(path.resolve('build/index.js')).href)) as ServerBuild);
  const entry = build.entry.module as unknown as Entry;
  // The build holds its own copy of the app's modules: hand it the sandbox address and webhook secret.
  entry.configureRuntime(runtime);
  entry.registerBacklogMetrics();

  let draining = false;
  const whileDraining: RequestHandler = (req, res, next) => {
    if (!draining) return next();
    // Shutting down: finish this request, then close the connection; tell load balancers to look elsewhere.
    res.setHeader('Connection', 'close');
    if (req.path === '/readyz') {
      res.status(503).json({ ok: false, draining: true });
      return;
    }
    next();
  };
  const metrics = metricsHandler(env.METRICS_TOKEN);
  const app = createHttpApp({
    build,
    mode: env.NODE_ENV === 'development' ? 'development' : 'production',
    payment,
    trustProxy: env.TRUST_PROXY,
    httpsOnly: env.httpsOnly,
    // Before everything else: every response gets a request id and an access line, and /metrics is answered here.
    before: [
      requestObservability({ routeIdOf: routeIdMatcher(build.routes), trustProxy: env.TRUST_PROXY }),
      whileDraining,
      (req, res, next) => (req.method === 'GET' && req.path === '/metrics' ? void metrics(req, res) : next()),
    ],
  });

  let mirrorStarted = false;
  const mirrorInBackground = async (sandboxUrl: string, signal: AbortSignal) => {
    mirrorStarted = true;
    const started = performance.now();
    try {
      const result = await mirrorHistoryToSandbox(sqlite, { sandboxUrl, since: Date.now() - MIRROR_DAYS * DAY_MS, signal });
      if (result.unimportable > 0) {
        logger.warn({ mirror: result }, `${result.unimportable} charge(s) could not be copied into the sandbox; refunding them there will fail.`);
      }
      if (result.batches > 0) {
        logger.info(
          { mirror: result, ms: Math.round(performance.now() - started) },
          `Sandbox knows ${result.imported.toLocaleString('en-US')} more historical charges.`,
        );
      }
    } catch (error) {
      logger.error({ err: error }, 'copying charge history into the sandbox failed; the next start resumes it');
    }
  };

  const mirror = new AbortController();
  let mirrorRun: Promise<unknown> = Promise.resolve();
  const server = app.listen(env.PORT, env.HOST, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : env.PORT;
    logger.info(
      {
        url: `http://${env.HOST}:${port}`,
        mode: env.mode,
        nodeEnv: env.NODE_ENV,
        // Wall time since the process started, and the CPU it used (a busy machine stretches the first, not the second).
        readyMs: Math.round(process.uptime() * 1000),
        cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
        phases,
      },
      `Keyed is running at http://${env.HOST}:${port} — ${MODE_LABEL[env.mode]}`,
    );
    // Settles whatever a crash left unsettled, then keeps checking every minute.
    entry.startBackgroundJobs();
    if (env.mode === 'sandbox') {
      const password = env.DEMO_PASSWORD === DEFAULT_DEMO_PASSWORD ? `password "${DEFAULT_DEMO_PASSWORD}"` : 'password from DEMO_PASSWORD';
      if (env.KEYED_DEMO === 'on') logger.info(`Demo logins (${password}): ${DEMO_USERS.map((u) => u.email).join(', ')}`);
      // After start-up, not before: at a million charges the copy takes minutes, and nothing waits for it. A few
      // seconds later still, so the first requests (a load balancer's readiness probe, people) go first.
      mirrorRun = new Promise<void>((resolve) => {
        const timer = setTimeout(() => void mirrorInBackground(runtime.sandboxUrl!, mirror.signal).finally(resolve), MIRROR_DELAY_MS);
        // Stopped before it began: nothing to wait for. Once begun, it stops between batches and resolves then.
        mirror.signal.addEventListener('abort', () => {
          if (!mirrorStarted) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    }
  });

  // Longer than the idle timeout of the proxies and clients in front (60 s is common), so a client never reuses a
  // connection at the instant Keyed closes it (a reset request). Shutdown closes idle connections itself.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  let stopping: Promise<void> | undefined;
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      // One stop often arrives twice (a process manager signals the group and tsx relays it too): only a later
      // Ctrl+C means "now".
      if (signal === 'SIGINT' && Date.now() - firstSignalAt > 1_000) {
        logger.warn({ signal }, 'interrupted again: exiting without waiting');
        flushLogs();
        process.exit(1);
      }
      return;
    }
    firstSignalAt = Date.now();
    stopping = shutDown(
      {
        server,
        graceMs: SHUTDOWN_GRACE_MS,
        startDraining: () => {
          draining = true;
        },
        waitForCharges: (ms) => entry.waitForInFlightCharges(ms),
        stopJobs: () => entry.stopBackgroundJobs(),
        stopLauncherWork: async () => {
          mirror.abort();
          await mirrorRun;
        },
        closeSandbox,
        closeDatabases: () => {
          entry.closeDb();
          closeDb();
        },
      },
      logger,
      signal,
    ).then((code) => {
      flushLogs();
      process.exit(code);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

void main().catch((error: unknown) => {
  getLogger().fatal({ err: error }, 'Keyed could not start');
  flushLogs();
  process.exit(1);
});
