import type { Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';

import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import * as healthzRoute from '~/routes/healthz';
import * as invoicesNewRoute from '~/routes/invoices.new';
import * as loginRoute from '~/routes/login';

import { createHttpApp } from '../../server/http-app';
import { BODY_RULES, checkFormFields, checkHeaders, DEFAULT_RULE, limitRequestBodies, ruleFor } from '../../server/request-limits';
import { STRIPE_ORIGINS } from '../../server/security-headers';
import { useTestDatabase } from '../helpers/database';
import { createTestUser, requestAs } from '../helpers/users';
import { stubBuild } from './stub-build';

useTestDatabase();

const formRule = (maxFields = 12, repeatable: string[] = []) => ({ kind: 'form' as const, maxBytes: 4096, maxFields, repeatable });

describe('form body checks', () => {
  it('accepts an ordinary login form', () => {
    expect(checkFormFields('email=staff%40keyed.test&password=p%C3%A9p%C3%A9+1234&redirectTo=%2Finvoices', formRule())).toBeNull();
    expect(checkFormFields('', formRule())).toBeNull();
  });

  it('refuses a repeated field unless the route lists it as repeatable', () => {
    expect(checkFormFields('email=1&email=1', formRule())).toMatchObject({ status: 400 });
    expect(checkFormFields('tag=a&tag=b&tag=c', formRule(12, ['tag']))).toBeNull();
  });

  it('refuses more fields than the route allows, counting in one pass', () => {
    const body = Array.from({ length: 13 }, (_, i) => `f${i}=1`).join('&');
    expect(checkFormFields(body, formRule(12))).toMatchObject({ status: 413 });
  });

  it('refuses names that would build arrays or objects, and malformed encoding', () => {
    for (const body of ['a[10000000]=1', 'a%5B10000000%5D=1', 'a.b=1', 'a[]=1', '%E0%A4%A=1', '=1']) {
      expect(checkFormFields(body, formRule()), body).toMatchObject({ status: 400 });
    }
  });

  it('gives every form route a small limit, login about a kilobyte or so, and unknown paths the smallest', () => {
    expect(ruleFor('/login').maxBytes).toBeLessThanOrEqual(4096);
    expect(ruleFor('/LOGIN/').maxBytes).toBe(ruleFor('/login').maxBytes);
    expect(ruleFor('/no/such/page')).toBe(DEFAULT_RULE);
    for (const { rule } of BODY_RULES) expect(rule.maxBytes).toBeLessThanOrEqual(512 * 1024);
    expect(ruleFor('/webhooks/stripe').kind).toBe('json');
  });

  it('refuses a body that is not a form (or, for webhooks, not JSON) from its headers alone', () => {
    const req = (headers: Record<string, string>) => ({ method: 'POST', path: '/login', headers });
    expect(checkHeaders(req({ 'content-type': 'application/json', 'content-length': '10' }), ruleFor('/login'))).toMatchObject({ status: 415 });
    expect(checkHeaders(req({ 'content-type': 'multipart/form-data; boundary=x', 'content-length': '10' }), ruleFor('/login'))).toMatchObject({ status: 415 });
    expect(checkHeaders(req({ 'content-type': 'text/plain', 'content-length': '0' }), ruleFor('/login'))).toMatchObject({ status: 415 });
    expect(checkHeaders(req({ 'content-length': '0' }), ruleFor('/login'))).toBeNull();
    expect(checkHeaders(req({ 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', 'content-length': '10' }), ruleFor('/login'))).toBeNull();
    expect(checkHeaders(req({ 'content-type': 'application/x-www-form-urlencoded', 'content-length': '999999' }), ruleFor('/login'))).toMatchObject({
      status: 413,
    });
    expect(checkHeaders(req({ 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' }), ruleFor('/login'))).toMatchObject({
      status: 411,
    });
  });
});

describe('the launcher under attack bodies', () => {
  let server: Server;
  let base = '';
  beforeEach(async () => {
    const build = stubBuild({
      'routes/healthz': { path: 'healthz', module: healthzRoute },
      'routes/login': { path: 'login', module: loginRoute },
      'routes/invoices.new': { path: 'invoices/new', module: invoicesNewRoute },
    });
    const app = createHttpApp({ build, mode: 'production', payment: STRIPE_ORIGINS, trustProxy: false, httpsOnly: false });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function timed(path: string, init?: RequestInit) {
    const started = performance.now();
    const response = await fetch(`${base}${path}`, init);
    const text = await response.text();
    return { status: response.status, ms: performance.now() - started, text, bytes: Buffer.byteLength(text) };
  }

  /** /healthz polled sequentially while `attack` runs: the slowest answer is how long the server was stalled. */
  async function healthWhile(attack: Promise<unknown>) {
    let finished = false;
    const latencies: number[] = [];
    const polling = (async () => {
      while (!finished) latencies.push((await timed('/healthz?_data=routes/healthz')).ms);
    })();
    await attack.finally(() => (finished = true));
    await polling;
    return Math.max(...latencies);
  }

  async function baselineHealthMs() {
    const samples: number[] = [];
    for (let i = 0; i < 10; i++) samples.push((await timed('/healthz?_data=routes/healthz')).ms);
    return Math.max(...samples);
  }

  const form = (body: string, headers: Record<string, string> = {}) => ({
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });

  it('answers 480 KB of repeated email fields to /login with a fast 4xx while /healthz stays fast', async () => {
    const baseline = await baselineHealthMs();
    const body = 'email=1&'.repeat(60_000).slice(0, -1); // 480 KB
    const attack = timed('/login?_data=routes/login', form(body));
    const worstHealth = await healthWhile(attack);
    const result = await attack;
    expect(result.status).toBeGreaterThanOrEqual(400);
    expect(result.status).toBeLessThan(500);
    expect(result.ms).toBeLessThan(1000);
    expect(worstHealth).toBeLessThan(baseline * 5 + 250);
  });

  it('answers 960 KB to /invoices/new from a logged-in user with a fast 4xx while /healthz stays fast', async () => {
    const finance = await createTestUser('finance');
    const cookie = (await requestAs(finance.id, '/invoices/new')).headers.get('Cookie')!;
    const baseline = await baselineHealthMs();
    const body = 'customerName=1&'.repeat(64_000).slice(0, -1); // 960 KB
    const attack = timed('/invoices/new?_data=routes/invoices.new', form(body, { Cookie: cookie }));
    const worstHealth = await healthWhile(attack);
    const result = await attack;
    expect(result.status).toBe(413);
    expect(result.ms).toBeLessThan(1000);
    expect(worstHealth).toBeLessThan(baseline * 5 + 250);
  });

  it('refuses a small body of many distinct fields, and an array index in a name, with a small answer', async () => {
    const finance = await createTestUser('finance');
    const cookie = (await requestAs(finance.id, '/invoices/new')).headers.get('Cookie')!;
    const many = Array.from({ length: 500 }, (_, i) => `f${i}=1`).join('&');
    const tooMany = await timed('/invoices/new?_data=routes/invoices.new', form(many, { Cookie: cookie }));
    expect(tooMany.status).toBe(413);
    const indexed = await timed('/invoices/new?_data=routes/invoices.new', form('a[10000000]=1', { Cookie: cookie }));
    expect(indexed.status).toBe(400);
    expect(indexed.bytes).toBeLessThan(200);
  });

  it('refuses a non-form Content-Type with 415 before the action runs', async () => {
    const result = await timed('/login?_data=routes/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"email":"a"}' });
    expect(result.status).toBe(415);
    const multipart = new FormData();
    multipart.set('email', 'staff@keyed.test');
    expect((await timed('/login?_data=routes/login', { method: 'POST', body: multipart })).status).toBe(415);
  });

  it('refuses a foreign Origin even with Sec-Fetch-Site: same-origin', async () => {
    const result = await timed(
      '/login?_data=routes/login',
      form('email=a%40b.c&password=x', { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'same-origin' }),
    );
    expect(result.status).toBe(403);
  });

  it('gives a body that drips in too slowly a 408', async () => {
    const slow = express().use(limitRequestBodies({ deadlineMs: 200 }), (_req, res) => res.send('ok'));
    const slowServer = slow.listen(0, '127.0.0.1');
    await new Promise((resolve) => slowServer.once('listening', resolve));
    const answer = await new Promise<string>((resolve) => {
      const socket = connect((slowServer.address() as AddressInfo).port, '127.0.0.1', () => {
        // Declares 100 bytes, sends 6 and waits.
        socket.write('POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=');
      });
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
    });
    slowServer.close();
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('still lets an ordinary login form through to the route', async () => {
    await createTestUser('staff');
    const result = await timed('/login?_data=routes/login', form('email=staff%40keyed.test&password=wrong+password+here'));
    expect(result.status).toBe(400);
    expect(JSON.parse(result.text)).toMatchObject({ initialValue: { email: 'staff@keyed.test' }, error: { '': [expect.any(String)] } });
  });
});
