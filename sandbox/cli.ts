/** `npm run sandbox [-- --moto]`: the emulator alone, for poking at it with curl or the stripe package. */
import { parseArgs } from 'node:util';

import { startSandbox } from './index.ts';

let flags: { moto?: boolean };
try {
  // --moto: the emulated account has MOTO enabled (Stripe enables it per account, on request).
  flags = parseArgs({ options: { moto: { type: 'boolean' } }, strict: true }).values;
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\nUsage: npm run sandbox [-- --moto]`);
  process.exit(1);
}

const port = Number(process.env.SANDBOX_PORT ?? 12111);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`SANDBOX_PORT must be a port number, got ${process.env.SANDBOX_PORT}`);
  process.exit(1);
}
const dbPath = process.env.SANDBOX_DB ?? 'data/sandbox.db';
const webhookUrl = process.env.SANDBOX_WEBHOOK_URL;
const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET;
if (webhookUrl && !webhookSecret) {
  console.error('SANDBOX_WEBHOOK_URL is set but STRIPE_WEBHOOK_SECRET is not: events could not be signed.');
  process.exit(1);
}

const sandbox = await startSandbox({
  port,
  dbPath,
  webhookEndpoints: webhookUrl && webhookSecret ? [{ url: webhookUrl, secret: webhookSecret }] : [],
  capabilities: { moto: flags.moto === true },
});
console.log(`Stripe sandbox listening on ${sandbox.url} (state in ${dbPath})`);
console.log(`  API:       new Stripe('sk_test_…', { host: '127.0.0.1', port: ${sandbox.port}, protocol: 'http' })`);
console.log(`  Stripe.js: <script src="${sandbox.url}/v3/"></script>`);
console.log(`  Control:   ${sandbox.url}/__sandbox/ (reset, latency, faults, disputes, capabilities, authenticate)`);
console.log(`  MOTO:      ${flags.moto ? 'enabled for the account' : 'not enabled (start with -- --moto, or POST /__sandbox/capabilities {"moto":true})'}`);
if (webhookUrl) console.log(`  Webhooks:  every event is sent to ${webhookUrl}`);

const stop = () => {
  void sandbox.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
