import { expect, test } from '@playwright/test';

import { logIn } from './helpers';

test('a manager on the rising-auth demo data sees the upgrade banner and the charts render', async ({ page }, testInfo) => {
  await logIn(page, 'manager');
  // The dashboard carries the banner too, so the signal is not missed.
  await expect(page.getByTestId('upgrade-banner')).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
  const banner = page.getByTestId('upgrade-banner');
  await expect(banner).toContainText('Time to upgrade');
  await expect(banner).toContainText(/Since /);
  await expect(banner).toContainText(/Last 7 days: .* of attempts/);
  // It explains itself from the detector: what moved, and how sure it is.
  await expect(banner).toContainText(/What moved: .* of attempts in the weeks before .*, .* since /);
  await expect(banner).toContainText(/How sure: the evidence is [\d.]+ times the level that raises this banner/);
  await expect(banner.getByRole('link', { name: /Upgrade to Stripe’s integration that handles 3-D Secure/ })).toHaveAttribute(
    'href',
    /upgrade-to-handle-actions/,
  );
  for (const chart of ['attempts', 'declines', 'auth', 'signal']) {
    await expect(page.getByTestId(`${chart}-chart`).locator('svg.recharts-surface').first()).toBeVisible();
  }
  await expect(page.getByTestId('auth-chart')).toContainText('Previous 28 days');
  // The detector's evidence over time, next to the share, with the same figures as a table.
  await expect(page.getByTestId('signal-chart')).toContainText('Evidence of a rise');
  await expect(page.getByTestId('signal-chart')).toContainText('Banner turns on');
  const signalCard = page.locator('section[aria-labelledby="signal"]');
  await signalCard.getByText('Show the data as a table').click();
  const lastDay = signalCard.getByRole('region', { name: 'Upgrade signal: evidence of a rise' }).locator('tbody tr').last();
  await expect(lastDay).toContainText('Banner on');
  await expect(lastDay.locator('td').nth(1)).toHaveText(/^\d{3}%$/);
  await page.getByLabel('Period', { exact: true }).selectOption('90');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/range=90/);
  await expect(page.getByRole('heading', { name: 'By card country' })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('reports-rising-auth.png'), fullPage: true });
});

test('the banner and the detector chart speak French', async ({ page }) => {
  await logIn(page, 'manager', 'fr-CA');
  await page.goto('/reports');
  const banner = page.getByTestId('upgrade-banner');
  await expect(banner).toContainText('Ce qui a changé :');
  await expect(banner).toContainText(/Degré de certitude : les indices valent [\d,]+ fois le niveau qui allume cette bannière/);
  await expect(page.getByRole('heading', { name: 'Signal de mise à niveau : indices d’une hausse' })).toBeVisible();
  await expect(page.getByTestId('signal-chart').locator('svg.recharts-surface').first()).toBeVisible();
});

test('a custom range with the end before the start is a field error, not a 500', async ({ page }) => {
  await logIn(page, 'manager');
  const response = await page.goto('/reports?range=custom&from=2026-03-01&to=2026-02-01');
  expect(response?.status()).toBe(200);
  await expect(page.locator('#from-error')).toHaveText('The start must be before the end.');
});

test('staff and finance cannot open the reports', async ({ page }) => {
  for (const role of ['staff', 'finance'] as const) {
    await logIn(page, role);
    const response = await page.goto('/reports');
    expect(response?.status()).toBe(403);
    await page.getByRole('button', { name: 'Log out' }).click();
  }
});
