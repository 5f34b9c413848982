import { defineConfig } from '@playwright/test';

// Debian's Chromium only: this machine cannot download Playwright's browser builds.
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Overridable so two runs on one machine do not collide.
export const E2E_APP_PORT = Number(process.env.E2E_APP_PORT ?? 3111);
export const E2E_SANDBOX_PORT = Number(process.env.E2E_SANDBOX_PORT ?? 12199);

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${E2E_APP_PORT}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: chromiumArgs,
    },
    trace: 'off',
    screenshot: 'only-on-failure',
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: `node test/e2e/start-app.mjs ${E2E_APP_PORT} ${E2E_SANDBOX_PORT}`,
    url: `http://127.0.0.1:${E2E_APP_PORT}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
