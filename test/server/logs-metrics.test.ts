import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { chargeThroughApp, ensureBuilt, type Keyed, logIn, removeDir, startKeyed } from '../helpers/launcher';

const CARD = '4242424242424242';
const CVC = '731';
const WEBHOOK_SECRET = 'whsec_redactiontestsecret0123456789abcdef';
const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';
const SANDBOX_SECRET_KEY = 'sk_test_keyedsandbox';

let app: Keyed;
let cookie = '';
let charged: { attemptId: number; requestId: string | null };

beforeAll(async () => {
  ensureBuilt();
  // debug logs request headers too: the redaction is what keeps cookies and signatures out.
  app = await startKeyed({ env: { LOG_LEVEL: 'debug', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, METRICS_TOKEN, KEYED_DEMO: 'on' } });
  cookie = await logIn(app, 'staff@keyed.test');
  const invoice = app.query<{ id: number }>("select id from invoices where status = 'open' and id <= 30 order by id limit 1")[0]!.id;
  charged = await chargeThroughApp(app, cookie, invoice, { number: CARD, cvc: CVC });
  // The sandbox's signed webhook for that charge arrives too.
  const deadline = Date.now() + 15_000;
  while (app.query("select 1 from webhook_events where type = 'payment_intent.succeeded' and processed_at is not null").length === 0) {
    if (Date.now() > deadline) throw new Error('no webhook arrived');
    await new Promise((r) => setTimeout(r, 100));
  }
  // Six wrong passwords for one account: the sixth is throttled.
  for (let i = 0; i < 6; i++) {
    await fetch(`${app.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ email: 'manager@keyed.test', password: `wrong-${i}-password` }),
    });
  }
}, 240_000);

afterAll(async () => {
  await app?.stop();
  removeDir(app.dir);
});

describe('logs', () => {
  it('are JSON lines with a level, and every line written for a request carries its id, also sent as X-Request-Id', () => {
    const lines = app.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(typeof line.level).toBe('number');
    const access = lines.filter((l) => l.msg === 'request');
    expect(access.length).toBeGreaterThan(5);
    for (const line of access) expect(line.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const chargeLine = access.find((l) => l.requestId === charged.requestId);
    expect(chargeLine).toMatchObject({ method: 'POST', path: '/terminal', route: 'routes/terminal', status: 302 });
  });

  it('hold no card number, CVC, session cookie, secret key or webhook secret; nor do the database files and the audit log', () => {
    const sessionValue = cookie.slice(cookie.indexOf('=') + 1);
    // The cookie is the signed, encoded session id; the id itself is a secret too.
    const sessionId = JSON.parse(Buffer.from(decodeURIComponent(sessionValue).split('.')[0]!, 'base64').toString('utf8')) as string;
    expect(sessionId.length).toBeGreaterThan(30);
    const secrets = [CARD, '4242 4242 4242 4242', sessionValue, decodeURIComponent(sessionValue), sessionId, SANDBOX_SECRET_KEY, WEBHOOK_SECRET];

    const logs = [...app.lines, ...app.stderr].join('\n');
    const databaseFiles = readdirSync(app.dir)
      .filter((f) => f.startsWith('keyed.db'))
      .map((f) => readFileSync(join(app.dir, f)).toString('latin1'));
    expect(databaseFiles.length).toBeGreaterThanOrEqual(1);
    const audit = JSON.stringify(app.query('select * from audit_events'));
    expect(audit).toContain('charge.succeeded');
    for (const [where, text] of [['logs', logs], ['audit log', audit], ...databaseFiles.map((t, i) => [`database file ${i}`, t])] as const) {
      for (const secret of secrets) expect(text.includes(secret), `${where} holds ${secret.slice(0, 12)}…`).toBe(false);
      expect(text, `${where} holds the CVC`).not.toMatch(new RegExp(`cvc[^0-9]{0,12}${CVC}`, 'i'));
    }
    // The headers were logged (debug), with the sensitive ones redacted rather than left out by luck.
    expect(logs).toMatch(/"cookie":"\[redacted\]"/);
    expect(logs).toMatch(/"stripe-signature":"\[redacted\]"/);
    expect(logs).toMatch(/"set-cookie":"\[redacted\]"/);
  });
});

describe('/metrics', () => {
  it('answers loopback in Prometheus format: HTTP latency by route id, charges by outcome, Stripe calls, backlog, webhook lag, login throttles', async () => {
    const response = await fetch(`${app.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(/keyed_http_request_duration_seconds_count\{route="routes\/terminal",method="POST",status="302"\} 1\b/);
    expect(text).toMatch(/keyed_http_request_duration_seconds_count\{route="routes\/login",method="POST",status="302"\} 1\b/);
    // Route ids only: no raw URL (ids, query strings) becomes a label.
    expect(text).not.toMatch(/route="\/terminal/);
    expect(text).toMatch(/keyed_charges_total\{outcome="succeeded",source="api"\} 1\b/);
    expect(text).toMatch(/keyed_stripe_request_duration_seconds_count\{method="POST",path="\/v1\/payment_intents",status="200"\} 1\b/);
    expect(text).toMatch(/keyed_stripe_request_duration_seconds_count\{method="GET",path="\/v1\/payment_methods\/:id",status="200"\} 1\b/);
    expect(text).toMatch(/keyed_unsettled_attempts\{status="pending"\} 0\b/);
    expect(text).toMatch(/keyed_unsettled_attempt_oldest_age_seconds\{status="unknown"\} 0\b/);
    expect(text).toMatch(/keyed_webhook_lag_seconds_count\{type="payment_intent.succeeded"\} [1-9]/);
    expect(text).toMatch(/keyed_login_throttled_total 1\b/);
    expect(text).toMatch(/keyed_login_failures_total 5\b/);
    expect(text).toMatch(/process_cpu_seconds_total/);
  });

  it('refuses a request relayed by a proxy without the token, and a wrong token; the right token works from anywhere', async () => {
    const relayed = await fetch(`${app.url}/metrics`, { headers: { 'X-Forwarded-For': '203.0.113.9' } });
    expect(relayed.status).toBe(401);
    expect(relayed.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await fetch(`${app.url}/metrics`, { headers: { Authorization: 'Bearer not-the-metrics-token-at-all', 'X-Forwarded-For': '203.0.113.9' } });
    expect(wrong.status).toBe(403);
    const right = await fetch(`${app.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}`, 'X-Forwarded-For': '203.0.113.9' } });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain('keyed_charges_total');
  });
});

describe('health', () => {
  it('/healthz is a cheap liveness answer; /readyz says the database takes writes and the sandbox answers', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await ready.json()).toEqual({ ok: true, database: 'ok', stripe: 'ok' });
  });
});
