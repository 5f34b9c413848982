/**
 * The real launcher (server/index.ts) as a child process on free ports with its own temporary directory, as an
 * operator runs it: for tests of start-up, logs, metrics, shutdown and backups. Needs the Remix build.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import Stripe from 'stripe';

const ROOT = process.cwd();

/** Builds the app and the launcher if they changed (a lock keeps parallel test files from building at once). */
export function ensureBuilt() {
  const lock = join(tmpdir(), `keyed-build-lock-${Buffer.from(ROOT).toString('base64url')}`);
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a test run that was killed mid-build: no build takes ten minutes.
      const heldSince = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - heldSince > 600_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited 3 minutes for ${lock}`);
      execFileSync('sleep', ['0.5']);
    }
  }
  try {
    execFileSync(process.execPath, ['scripts/build-if-needed.mjs'], { cwd: ROOT, stdio: 'pipe' });
  } finally {
    rmdirSync(lock);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export type Keyed = {
  url: string;
  sandboxUrl: string;
  dir: string;
  env: Record<string, string>;
  child: ChildProcess;
  /** stdout lines so far (JSON log lines). */
  lines: string[];
  stderr: string[];
  exited: Promise<number | null>;
  /** SIGTERM, then waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** A read-only look at the database while Keyed runs. */
  query<T>(sql: string, ...params: unknown[]): T[];
};

/** Runs one of the npm commands (scripts/*.ts) with the given environment, as `npm run` would. */
export function runScript(script: string, args: string[], env: Record<string, string>) {
  try {
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: 'pipe',
      encoding: 'utf8',
    });
    return { code: 0, stdout, stderr: '' };
  } catch (error) {
    const failed = error as { status: number | null; stdout: string; stderr: string };
    return { code: failed.status ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** The same, without blocking this process (the test keeps driving Keyed meanwhile). */
export function runScriptAsync(script: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Starts Keyed in sandbox mode (unless env says otherwise) and resolves once /healthz answers. */
export async function startKeyed(opts: { dir?: string; env?: Record<string, string> } = {}): Promise<Keyed> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'keyed-launch-'));
  const port = await freePort();
  const sandboxPort = await freePort();
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    SANDBOX_PORT: String(sandboxPort),
    DATABASE_PATH: join(dir, 'keyed.db'),
    SANDBOX_DB: join(dir, 'sandbox.db'),
    STRIPE_SECRET_KEY: '',
    STRIPE_PUBLISHABLE_KEY: '',
    STRIPE_WEBHOOK_SECRET: '',
    DEMO_PASSWORD: 'keyed-demo-pass',
    LOG_LEVEL: 'info',
    ...opts.env,
  };
  // What `npm start` runs (the compiled launcher), directly under node so a signal reaches the launcher itself.
  const child = spawn(process.execPath, ['build/server.mjs'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'pipe' });
  const lines: string[] = [];
  const stderr: string[] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    partial += chunk.toString('utf8');
    const complete = partial.split('\n');
    partial = complete.pop()!;
    lines.push(...complete.filter((l) => l.length > 0));
  });
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  let ready = false;
  while (!ready) {
    if (child.exitCode !== null) throw new Error(`Keyed exited with ${child.exitCode}:\n${lines.join('\n')}\n${stderr.join('')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Keyed did not answer within 90 s:\n${lines.join('\n')}\n${stderr.join('')}`);
    }
    ready = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (!ready) await new Promise((r) => setTimeout(r, 200));
  }
  let db: Database.Database | undefined;
  return {
    url,
    sandboxUrl: `http://127.0.0.1:${sandboxPort}`,
    dir,
    env,
    child,
    lines,
    stderr,
    exited,
    async stop(signal = 'SIGTERM') {
      db?.close();
      db = undefined;
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
    query<T>(sql: string, ...params: unknown[]) {
      db ??= new Database(env.DATABASE_PATH!, { readonly: true, fileMustExist: true });
      return db.prepare(sql).all(...params) as T[];
    },
  };
}

export function removeDir(dir: string) {
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}

// ——— driving the app over HTTP, as the browser does ———

const SANDBOX_PUBLISHABLE_KEY = 'pk_test_keyedsandbox';

/** Logs in through the login form; returns the Cookie header for later requests. */
export async function logIn(app: Keyed, email: string, password = 'keyed-demo-pass') {
  const response = await fetch(`${app.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ email, password, redirectTo: '/dashboard' }),
  });
  const setCookie = response.headers.get('set-cookie');
  if (response.status !== 302 || !setCookie) throw new Error(`login as ${email} answered ${response.status}`);
  return setCookie.split(';')[0]!;
}

/**
 * Charges an invoice like the terminal page: the card goes to the sandbox with the publishable key (never to
 * Keyed), and Keyed receives the PaymentMethod id and the page's attempt key. Returns the attempt id.
 */
export async function chargeThroughApp(app: Keyed, cookie: string, invoiceId: number, card: { number: string; cvc?: string }) {
  const page = await fetch(`${app.url}/terminal?invoice=${invoiceId}&_data=routes%2Fterminal`, { headers: { Cookie: cookie } });
  if (!page.ok) throw new Error(`terminal answered ${page.status}`);
  const { attemptKey } = (await page.json()) as { attemptKey: string };
  const sandbox = new URL(app.sandboxUrl);
  const browser = new Stripe(SANDBOX_PUBLISHABLE_KEY, { host: sandbox.hostname, port: Number(sandbox.port), protocol: 'http' });
  const pm = await browser.paymentMethods.create({
    type: 'card',
    card: { number: card.number, exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, cvc: card.cvc ?? '123' },
    billing_details: { address: { postal_code: '10001' } },
  } as Stripe.PaymentMethodCreateParams);
  const response = await fetch(`${app.url}/terminal`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Cookie: cookie },
    body: new URLSearchParams({ intent: 'charge', invoiceId: String(invoiceId), paymentMethodId: pm.id, attemptKey }),
  });
  const location = response.headers.get('location') ?? '';
  const attemptId = Number(new URL(location, app.url).searchParams.get('attempt'));
  if (response.status !== 302 || !attemptId) throw new Error(`charge answered ${response.status} ${location}`);
  return { attemptId, requestId: response.headers.get('x-request-id') };
}

export async function sandboxControl(app: Keyed, path: string, body: unknown) {
  const response = await fetch(`${app.sandboxUrl}/__sandbox/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`sandbox ${path}: ${response.status}`);
}
