import { expect, test } from '@playwright/test';

import { E2E_APP_PORT } from '../../playwright.config';

// Against the real launcher and build: the bodies from the security review, sent without logging in.
const BASE = `http://127.0.0.1:${E2E_APP_PORT}`;

async function timed(path: string, init?: RequestInit) {
  const started = performance.now();
  const response = await fetch(`${BASE}${path}`, init);
  const text = await response.text();
  return { status: response.status, ms: performance.now() - started, bytes: Buffer.byteLength(text) };
}

/** The slowest /healthz answer while `attack` runs: how long anyone else had to wait. */
async function worstHealthWhile(attack: Promise<unknown>) {
  let done = false;
  const latencies: number[] = [];
  const polling = (async () => {
    while (!done) latencies.push((await timed('/healthz')).ms);
  })();
  await attack.finally(() => (done = true));
  await polling;
  return Math.max(...latencies);
}

async function baselineHealthMs() {
  const samples: number[] = [];
  for (let i = 0; i < 10; i++) samples.push((await timed('/healthz')).ms);
  return Math.max(...samples);
}

const form = (body: string) => ({ method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });

test('480 KB of repeated email fields to /login: a fast 4xx while /healthz stays fast', async () => {
  const baseline = await baselineHealthMs();
  const attack = timed('/login', form('email=1&'.repeat(60_000).slice(0, -1)));
  const worst = await worstHealthWhile(attack);
  const result = await attack;
  expect(result.status).toBeGreaterThanOrEqual(400);
  expect(result.status).toBeLessThan(500);
  expect(result.ms).toBeLessThan(1000);
  // Generous against a noisy shared machine: before the fix /healthz waited 30 s and more.
  expect(worst).toBeLessThan(baseline * 5 + 500);
});

test('960 KB to /invoices/new: a fast 4xx while /healthz stays fast', async () => {
  const baseline = await baselineHealthMs();
  const attack = timed('/invoices/new', form('customerName=1&'.repeat(64_000).slice(0, -1)));
  const worst = await worstHealthWhile(attack);
  const result = await attack;
  expect(result.status).toBe(413);
  expect(result.ms).toBeLessThan(1000);
  expect(worst).toBeLessThan(baseline * 5 + 500);
});

test('a 26-byte body with an array index in a name gets a small 4xx, not a 50 MB echo', async () => {
  const result = await timed('/login', form('a[10000000]=1&email=x%40y.z'));
  expect(result.status).toBe(400);
  expect(result.ms).toBeLessThan(1000);
  expect(result.bytes).toBeLessThan(1000);
});

test('a non-form Content-Type and a foreign Origin are 4xx without reaching the action', async () => {
  expect((await timed('/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"email":"x"}' })).status).toBe(415);
  const foreign = await timed('/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example', 'Sec-Fetch-Site': 'same-origin' },
    body: 'email=x%40y.z&password=whatever',
  });
  expect(foreign.status).toBe(403);
});

test('/readyz says the database is writable and the sandbox answers', async () => {
  const response = await fetch(`${BASE}/readyz`);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ ok: true, database: 'ok', stripe: 'ok' });
});
