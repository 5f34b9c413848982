import { afterEach, describe, expect, it } from 'vitest';

import { getSqlite } from '~/platform/db.server';
import { forgetStripeCheck } from '~/platform/health.server';
import { configureRuntime } from '~/platform/runtime-config.server';
import * as healthz from '~/routes/healthz';
import * as readyz from '~/routes/readyz';

import { useTestDatabase } from '../helpers/database';
import { useSandbox } from '../helpers/sandbox';

useTestDatabase({ STRIPE_SECRET_KEY: undefined, STRIPE_PUBLISHABLE_KEY: undefined });
const sandbox = useSandbox();
afterEach(() => {
  getSqlite().pragma('query_only = OFF');
  configureRuntime({ sandboxUrl: sandbox.url });
  forgetStripeCheck();
});

const ready = async () => {
  const response = await readyz.loader();
  return { status: response.status, body: await response.json() };
};

describe('readiness', () => {
  it('is ready when the database takes a write and the sandbox answers', async () => {
    expect(await ready()).toEqual({ status: 200, body: { ok: true, database: 'ok', stripe: 'ok' } });
  });

  it('is not ready when the database can be read but not written, while /healthz (liveness) stays cheap and OK', async () => {
    getSqlite().pragma('query_only = ON');
    expect(await ready()).toMatchObject({ status: 503, body: { ok: false, database: 'unwritable' } });
    expect((await healthz.loader()).status).toBe(200);
  });

  it('is not ready when Stripe does not answer', async () => {
    forgetStripeCheck();
    configureRuntime({ sandboxUrl: 'http://127.0.0.1:9' });
    expect(await ready()).toMatchObject({ status: 503, body: { ok: false, database: 'ok', stripe: 'unreachable' } });
  });
});
