import { expect, test } from '@playwright/test';

import { createInvoice, expectNoSeriousA11yViolations, logIn, switchLanguage } from './helpers';

test('the audit log reads as sentences, links to its subjects and filters by person, action and date (in the URL)', async ({ page, browser }) => {
  const financeContext = await browser.newContext();
  const finance = await financeContext.newPage();
  await logIn(finance, 'finance');
  const invoice = await createInvoice(finance, { customer: 'Audit Trail Co', amount: '123.45', currency: 'cad' });
  await financeContext.close();

  await logIn(page, 'manager');
  await page.goto('/audit');
  await page.getByLabel('Person').selectOption({ label: 'Fran Finance' });
  await page.getByLabel('Action').selectOption({ label: 'Invoice created' });
  const today = new Date().toISOString().slice(0, 10);
  await page.getByLabel('From').fill(today);
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(new RegExp(`actor=\\d+&action=invoice\\.created&from=${today}`));
  const rows = page.getByTestId('audit-events').getByRole('row');
  const row = rows.filter({ hasText: invoice.number });
  await expect(row).toContainText(`Fran Finance created invoice ${invoice.number} for CA$123.45.`);
  // Every row is Fran's invoice creation; no raw action codes in view.
  for (const text of await rows.allInnerTexts()) expect(text).toMatch(/^.*Fran Finance created invoice INV-\d+ for /s);
  await expect(page.getByText('invoice.created', { exact: true })).toBeHidden();
  await expectNoSeriousA11yViolations(page, 'audit log filtered (English)');
  await switchLanguage(page, 'Français');
  await expect(row).toContainText(new RegExp(`Fran Finance a créé la facture ${invoice.number} de 123,45\\s\\$\\.`));
  await expectNoSeriousA11yViolations(page, 'audit log filtered (French)');
  await switchLanguage(page, 'English');

  // The subject is a link.
  await row.getByRole('link', { name: invoice.number }).click();
  await expect(page).toHaveURL(new RegExp(`/invoices/${invoice.id}$`));

  // A later start day leaves nothing; the filter stays in the form.
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  await page.goto(`/audit?action=invoice.created&from=${tomorrow}`);
  await expect(page.getByText('No events match.')).toBeVisible();
  await expect(page.getByLabel('Action')).toHaveValue('invoice.created');

  // Events Keyed records by itself are "Keyed (automatic)".
  await page.goto('/audit?actor=system&action=demo.seeded');
  await expect(rows.first()).toContainText('Keyed added the demo users and invoices.');
});

test('a bad audit filter is a field error with status 400, not a 500', async ({ page }) => {
  await logIn(page, 'manager');
  const response = await page.goto('/audit?from=2025-13-45&action=drop.everything&actor=abc');
  expect(response?.status()).toBe(400);
  await expect(page.locator('#audit-from-error')).toHaveText('Enter a date.');
  await expect(page.locator('#audit-action-error')).toHaveText('Choose from the list.');
  await expect(page.locator('#audit-actor-error')).toHaveText('Choose from the list.');
  await expect(page.getByLabel('From')).toHaveAttribute('aria-invalid', 'true');
  await expectNoSeriousA11yViolations(page, 'audit log with filter errors');
});
