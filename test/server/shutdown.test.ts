import { connect } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { chargeThroughApp, ensureBuilt, type Keyed, logIn, removeDir, sandboxControl, startKeyed } from '../helpers/launcher';

beforeAll(() => ensureBuilt(), 240_000);

describe('graceful shutdown', () => {
  let app: Keyed | undefined;
  afterAll(async () => {
    await app?.stop('SIGKILL');
    if (app) removeDir(app.dir);
  });

  it('on SIGTERM during a charge: refuses new connections, lets the charge settle, then exits 0', async () => {
    app = await startKeyed();
    const cookie = await logIn(app, 'staff@keyed.test');
    const invoice = app.query<{ id: number }>("select id from invoices where status = 'open' and id <= 30 order by id limit 1")[0]!.id;
    // Each sandbox answer takes 1.5 s, so the charge (two Stripe calls) is still in flight when the signal lands.
    await sandboxControl(app, 'latency', { ms: 1_500 });
    const charge = chargeThroughApp(app, cookie, invoice, { number: '4242424242424242' });
    const deadline = Date.now() + 10_000;
    while (app.query("select 1 from payment_attempts where invoice_id = ? and status = 'pending'", invoice).length === 0) {
      if (Date.now() > deadline) throw new Error('the attempt never became pending');
      await new Promise((r) => setTimeout(r, 20));
    }
    const signalledAt = Date.now();
    app.child.kill('SIGTERM');
    while (!app.lines.some((l) => l.includes('shutting down'))) await new Promise((r) => setTimeout(r, 20));
    // No new connections once draining started (a new TCP connection: fetch could reuse a pooled one).
    const port = Number(new URL(app.url).port);
    const connected = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    expect(connected).toBe(false);

    const { attemptId } = await charge;
    const code = await app.exited;
    expect(code).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(20_000);
    const [attempt] = app.query<{ status: string }>('select status from payment_attempts where id = ?', attemptId);
    expect(attempt?.status).toBe('succeeded');
    expect(app.query<{ status: string }>('select status from invoices where id = ?', invoice)[0]?.status).toBe('paid');
    const lines = app.lines.map((l) => JSON.parse(l) as { msg: string; clean?: boolean });
    expect(lines.find((l) => l.msg === 'stopped')).toMatchObject({ clean: true });
  }, 120_000);
});
