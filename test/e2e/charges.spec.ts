import { readFileSync } from 'node:fs';

import { expect, test } from '@playwright/test';

import { logIn } from './helpers';

test('finance filters by decline code, opens a charge, refunds part of it, and exports exactly the filtered rows', async ({ page }) => {
  await logIn(page, 'finance');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Charges' }).click();

  // Filter by a decline code: the URL carries the filter, every row says the reason in words (not Stripe's code).
  await expect(page.getByLabel('Decline code').locator('option[value=insufficient_funds]')).toHaveText('Insufficient funds');
  await page.getByLabel('Decline code').selectOption('insufficient_funds');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/code=insufficient_funds/);
  const rows = page.getByRole('region', { name: /Charges matching the filter/ }).locator('tbody tr');
  await expect(rows.first()).toContainText('Insufficient funds');
  const shown = await rows.count();
  expect(shown).toBeGreaterThan(0);
  for (let i = 0; i < shown; i++) {
    await expect(rows.nth(i)).toContainText('Insufficient funds');
    await expect(rows.nth(i)).not.toContainText('insufficient_funds');
  }
  const totalText = await page.getByTestId('charge-totals').locator('dd').first().innerText();
  const total = Number(totalText.replace(/\D/g, ''));

  // Open one of them: the failure is explained for a person.
  await rows.first().getByRole('link').click();
  await expect(page.getByRole('heading', { name: 'Payment declined' })).toBeVisible();
  await expect(page.getByText('Declined — insufficient funds. Ask the customer for another card.')).toBeVisible();
  await expect(page.getByTestId('timeline')).toContainText('Charge declined');
  await expect(page.getByTestId('timeline')).not.toContainText('charge.failed');
  // Stripe's codes and developer message are there for whoever needs them, folded away.
  const technical = page.locator('#failure-title').locator('..').getByText('Technical details');
  await expect(page.getByText('insufficient_funds')).toBeHidden();
  await technical.click();
  await expect(page.getByText('insufficient_funds')).toBeVisible();

  // The CSV of the same filter holds exactly those rows.
  await page.goto('/charges?code=insufficient_funds');
  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const download = await downloadPromise;
  const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
  const lines = csv.trim().split(/\r?\n/);
  expect(lines.length - 1).toBe(total);
  const header = lines[0]!.split(',');
  const codeColumn = header.findIndex((h) => /decline/i.test(h));
  expect(codeColumn).toBeGreaterThanOrEqual(0);
  for (const line of lines.slice(1)) expect(line).toContain('insufficient_funds');

  // Refund part of a succeeded charge from the demo history (it exists in the sandbox too).
  await page.goto('/charges?status=succeeded&currency=usd');
  await page
    .getByRole('region', { name: /Charges matching the filter/ })
    .locator('tbody tr')
    .first()
    .getByRole('link')
    .click();
  await expect(page.getByRole('heading', { name: 'Refund', exact: true })).toBeVisible();
  await page.getByLabel(/Amount \(empty for everything/).fill('1.00');
  await page.getByLabel('Reason').selectOption('requested_by_customer');
  await page.getByRole('button', { name: 'Review the refund' }).click();
  // Nothing is sent before the confirmation, which names the amount, the card and the customer.
  await expect(page.getByRole('heading', { name: /^Refund \$1\.00 USD to .+ ···\d{4}, .+\?$/ })).toBeFocused();
  await page.getByRole('button', { name: 'Yes, refund $1.00 USD' }).click();
  await expect(page.getByRole('status')).toContainText('$1.00 USD refunded.');
  await expect(page.getByTestId('refunds')).toContainText('$1.00 USD');
  await expect(page.getByTestId('timeline')).toContainText('Refund sent');
});

test('staff opening /charges gets 403', async ({ page }) => {
  await logIn(page, 'staff');
  const response = await page.goto('/charges');
  expect(response?.status()).toBe(403);
});

test('a bad filter value is a field error, not a 500', async ({ page }) => {
  await logIn(page, 'finance');
  const response = await page.goto('/charges?from=2025-13-45&last4=12');
  expect(response?.status()).toBe(200);
  await expect(page.locator('#from-error')).toHaveText('Enter a date.');
  await expect(page.locator('#last4-error')).toHaveText('Enter 4 digits.');
});
