import type { AddressInfo } from 'node:net';

import { describe, expect, it } from 'vitest';

import { parseEnv, startupWarnings } from '~/platform/env.server';
import { login } from '~/platform/login.server';
import { redirectWithToast } from '~/platform/toast.server';
import * as healthzRoute from '~/routes/healthz';

import { createHttpApp } from '../../server/http-app';
import { STRIPE_ORIGINS } from '../../server/security-headers';
import { useTestDatabase } from '../helpers/database';
import { createTestUser, TEST_PASSWORD } from '../helpers/users';
import { stubBuild } from '../server/stub-build';

const STRIPE_TEST_ENV = {
  STRIPE_SECRET_KEY: 'sk_test_cookies',
  STRIPE_PUBLISHABLE_KEY: 'pk_test_cookies',
  STRIPE_WEBHOOK_SECRET: 'whsec_cookies',
  SESSION_SECRET: 's'.repeat(40),
};

// A TLS proxy forwarding plain HTTP, without TRUST_PROXY: the request Keyed sees says http.
const proxiedLogin = () => new Request('http://pay.example.com/login', { method: 'POST', headers: { 'x-keyed-client-ip': '10.0.0.1' } });

describe('outside sandbox mode, HTTPS is the default', () => {
  useTestDatabase(STRIPE_TEST_ENV);

  it('sets a Secure __Host- session cookie even when the request looks like plain HTTP', async () => {
    await createTestUser('staff');
    const result = await login(proxiedLogin(), 'staff@keyed.test', TEST_PASSWORD);
    expect(result.ok && result.headers.get('Set-Cookie')).toMatch(/^__Host-keyed_session=[^;]+;.*Secure/i);
  });

  it('makes the flash cookie Secure and __Host- too', async () => {
    const response = await redirectWithToast(proxiedLogin(), '/', { kind: 'success', message: 'ok' });
    expect(response.headers.get('Set-Cookie')).toMatch(/^__Host-keyed_toast=.*Secure/i);
  });

  it('sends HSTS on every response, whatever the proxy forwards', async () => {
    const app = createHttpApp({
      build: stubBuild({ 'routes/healthz': { path: 'healthz', module: healthzRoute } }),
      mode: 'production',
      payment: STRIPE_ORIGINS,
      trustProxy: false,
      httpsOnly: parseEnv(STRIPE_TEST_ENV).httpsOnly,
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz?_data=routes/healthz`);
    server.close();
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
  });

  it('warns at start-up only when plain HTTP is asked for explicitly', () => {
    expect(parseEnv(STRIPE_TEST_ENV).httpsOnly).toBe(true);
    expect(startupWarnings(parseEnv(STRIPE_TEST_ENV))).toEqual([]);
    const insecure = parseEnv({ ...STRIPE_TEST_ENV, ALLOW_INSECURE_HTTP: '1' });
    expect(insecure.httpsOnly).toBe(false);
    expect(startupWarnings(insecure).join('\n')).toMatch(/ALLOW_INSECURE_HTTP=1/);
    expect(() => parseEnv({ ALLOW_INSECURE_HTTP: 'yes' })).toThrow(/ALLOW_INSECURE_HTTP/);
  });
});

describe('plain HTTP, said explicitly', () => {
  useTestDatabase({ ...STRIPE_TEST_ENV, ALLOW_INSECURE_HTTP: '1' });

  it('uses a plain cookie without Secure', async () => {
    await createTestUser('staff');
    const result = await login(proxiedLogin(), 'staff@keyed.test', TEST_PASSWORD);
    const cookie = result.ok ? result.headers.get('Set-Cookie')! : '';
    expect(cookie).toMatch(/^keyed_session=/);
    expect(cookie).not.toMatch(/Secure/i);
  });
});

describe('sandbox mode on http://127.0.0.1', () => {
  useTestDatabase({ STRIPE_SECRET_KEY: '', STRIPE_PUBLISHABLE_KEY: '' });

  it('keeps a plain cookie over http and no HSTS', async () => {
    await createTestUser('staff');
    const result = await login(new Request('http://127.0.0.1:3000/login', { method: 'POST' }), 'staff@keyed.test', TEST_PASSWORD);
    expect(result.ok && result.headers.get('Set-Cookie')).toMatch(/^keyed_session=/);
    expect(parseEnv({}).httpsOnly).toBe(false);
    expect(startupWarnings(parseEnv({ ALLOW_INSECURE_HTTP: '1' }))).toEqual([]);
  });
});
