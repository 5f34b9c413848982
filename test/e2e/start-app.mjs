// Starts Keyed for the Playwright suite: sandbox mode, its own ports and a throwaway database.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [appPort = '3111', sandboxPort = '12199'] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'keyed-e2e-'));
const child = spawn('npx', ['tsx', 'server/index.ts'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: appPort,
    SANDBOX_PORT: sandboxPort,
    DATABASE_PATH: join(dir, 'keyed.db'),
    SANDBOX_DB: join(dir, 'sandbox.db'),
    STRIPE_SECRET_KEY: '',
    STRIPE_PUBLISHABLE_KEY: '',
    DEMO_PASSWORD: 'keyed-demo-pass',
    // One JSON line per request would bury Playwright's own output; warnings and errors still show.
    LOG_LEVEL: 'warn',
  },
});

const stop = () => {
  child.kill('SIGTERM');
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
child.on('exit', (code) => {
  rmSync(dir, { recursive: true, force: true });
  process.exit(code ?? 0);
});
