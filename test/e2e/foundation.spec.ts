import { expect, test } from '@playwright/test';

import { E2E_SANDBOX_PORT } from '../../playwright.config';
import { logIn } from './helpers';

const NAV: Record<'staff' | 'finance' | 'manager', string[]> = {
  staff: ['Dashboard', 'Terminal', 'Invoices'],
  finance: ['Dashboard', 'Terminal', 'Invoices', 'Charges'],
  manager: ['Dashboard', 'Terminal', 'Invoices', 'Charges', 'Reports', 'Settings', 'Users', 'Audit log'],
};

for (const role of ['staff', 'finance', 'manager'] as const) {
  test(`${role} logs in and sees the navigation for the role`, async ({ page }) => {
    await logIn(page, role);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link')).toHaveText(NAV[role]);
    await expect(page.getByText('Sandbox — no real money moves')).toBeVisible();
    await expect(page.getByRole('banner')).toContainText(role);
  });
}

test('staff opening /settings/users gets a friendly 403', async ({ page }) => {
  await logIn(page, 'staff');
  const response = await page.goto('/settings/users');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'You do not have access to this page' })).toBeVisible();
});

test('an unknown invoice is a 404 page', async ({ page }) => {
  await logIn(page, 'staff');
  const response = await page.goto('/invoices/987654');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'We could not find that' })).toBeVisible();
});

test('a wrong password gets one clear message', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Email').fill('nobody@keyed.test');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Email or password is incorrect.');
});

test('finance creates an invoice and finds it by search', async ({ page }) => {
  await logIn(page, 'finance');
  await page.goto('/invoices/new');
  await page.getByLabel('Customer name').fill('Playwright Pottery <b>Ltd</b>');
  await page.getByLabel('Customer email').fill('orders@pw-pottery.example');
  await page.getByLabel('Description').fill('Glaze kiln repair');
  await page.getByLabel('Amount').fill('12.345');
  await page.getByRole('button', { name: 'Create invoice' }).click();
  await expect(page.getByText('Use at most two decimal places.')).toBeVisible();
  await page.getByLabel('Amount').fill('1,099.00');
  await page.getByLabel('Currency').selectOption('cad');
  await page.getByRole('button', { name: 'Create invoice' }).click();
  await expect(page.getByRole('status')).toContainText(/Invoice INV-\d+ created/);
  await expect(page.getByText('CA$1,099.00').first()).toBeVisible();
  await expect(page.getByText('Playwright Pottery <b>Ltd</b>')).toBeVisible();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Invoices' }).click();
  await page.getByLabel('Search').fill('pw-pottery');
  await page.getByRole('button', { name: 'Search' }).click();
  const rows = page.getByRole('row');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText('Playwright Pottery <b>Ltd</b>');
});

test('logout ends the session on the server', async ({ page, context }) => {
  await logIn(page, 'manager');
  const cookies = await context.cookies();
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  // Replaying the old cookie must not bring the session back.
  await context.addCookies(cookies);
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fdashboard$/);
});

test('a cross-site POST is refused with 403 and changes nothing', async ({ page, request }) => {
  await logIn(page, 'finance');
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const response = await request.post('/invoices/new', {
    headers: { Origin: 'https://evil.example', Cookie: cookie },
    form: { customerName: 'Evil', description: 'x', amount: '10.00', currency: 'usd' },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(403);
  await page.goto('/invoices?q=Evil');
  await expect(page.getByText('No invoices match.')).toBeVisible();
});

test('an oversized body is refused with 413 before any route reads it', async ({ request }) => {
  const response = await request.post('/login', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, data: `email=${'a'.repeat(1_100_000)}` });
  expect(response.status()).toBe(413);
});

test('security headers: nonce CSP, frame-ancestors none, nosniff, referrer policy; healthz checks the database', async ({ request }) => {
  const response = await request.get('/login');
  const csp = response.headers()['content-security-policy']!;
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain(`127.0.0.1:${E2E_SANDBOX_PORT}`);
  expect(response.headers()['x-content-type-options']).toBe('nosniff');
  expect(response.headers()['referrer-policy']).toBe('strict-origin-when-cross-origin');
  const health = await request.get('/healthz');
  expect(health.status()).toBe(200);
  expect(await health.json()).toEqual({ ok: true, database: 'ok' });
});
