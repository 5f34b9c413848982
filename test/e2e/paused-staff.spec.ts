import { type APIRequestContext, expect, type Page, test } from '@playwright/test';

import { E2E_SANDBOX_PORT } from '../../playwright.config';
import { createInvoice, expectNoSeriousA11yViolations, logIn, switchLanguage } from './helpers';

/** A declined card as the browser makes it: a PaymentMethod created at the sandbox with the publishable key. */
async function declinedCard(request: APIRequestContext) {
  const response = await request.post(`http://127.0.0.1:${E2E_SANDBOX_PORT}/v1/payment_methods`, {
    headers: { Authorization: 'Bearer pk_test_keyedsandbox' },
    form: { type: 'card', 'card[number]': '4000000000000002', 'card[exp_month]': '12', 'card[exp_year]': '2034', 'card[cvc]': '123' },
  });
  expect(response.ok()).toBe(true);
  return (await response.json()).id as string;
}

/** One charge through the terminal's own form post (fresh attempt key from the page's data), declined. */
async function declineOnce(page: Page, invoiceId: number) {
  const data = await (await page.request.get(`/terminal?invoice=${invoiceId}&_data=routes%2Fterminal`)).json();
  const response = await page.request.post('/terminal', {
    form: { intent: 'charge', invoiceId: String(invoiceId), paymentMethodId: await declinedCard(page.request), attemptKey: data.attemptKey },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(302);
}

test('a staff member paused by the card-testing defence shows as paused, with why, and a manager resumes them from the list', async ({ page, browser }) => {
  const email = `paused-${Date.now()}@keyed.test`;
  await logIn(page, 'manager');
  await page.goto('/settings/users');
  await page.getByLabel('Name').fill('Pat Paused');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/Temporary password/).fill('a long temporary password');
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByRole('status')).toContainText(`${email} can now log in.`);
  // Two invoices: a single one would be locked after five declines, before its keyer is paused.
  const invoices = [
    await createInvoice(page, { customer: 'Pause Test One', amount: '25.00', currency: 'usd' }),
    await createInvoice(page, { customer: 'Pause Test Two', amount: '26.00', currency: 'usd' }),
  ];

  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  await staff.goto('/login');
  await staff.locator('input[name=email]').fill(email);
  await staff.locator('input[name=password]').fill('a long temporary password');
  await staff.getByRole('button', { name: 'Log in' }).click();
  await expect(staff).toHaveURL(/\/dashboard$/);
  for (let i = 0; i < 10; i++) await declineOnce(staff, invoices[i % 2]!.id);
  await staff.goto('/terminal');
  await expect(staff.getByRole('alert')).toContainText('Charging is paused for your account');

  // The users list says so and offers to resume; so do the user's page and the dashboard (with why).
  await page.goto('/settings/users');
  const row = page.getByRole('row').filter({ hasText: 'Pat Paused' });
  await expect(row).toContainText('charging paused since');
  await page.getByRole('row').filter({ hasText: 'Pat Paused' }).getByRole('link', { name: 'Pat Paused' }).click();
  await expect(page.getByTestId('user-status')).toContainText('charging paused since');
  await page.goto('/dashboard');
  const paused = page.getByTestId('paused-staff').getByRole('listitem').filter({ hasText: 'Pat Paused' });
  await expect(paused).toContainText(/Paused .+ after 10 declined cards in 15 minutes\./);
  await expect(paused.getByRole('button', { name: 'Resume charging for Pat Paused' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'dashboard with paused staff (English)');
  await page.goto('/settings/users');
  await expectNoSeriousA11yViolations(page, 'users list with a paused person (English)');
  await switchLanguage(page, 'Français');
  await expect(row).toContainText('paiements suspendus depuis le');
  await expectNoSeriousA11yViolations(page, 'users list with a paused person (French)');
  await page.goto('/dashboard');
  await expect(paused).toContainText(/après 10 cartes refusées en 15 minutes/);
  await expectNoSeriousA11yViolations(page, 'dashboard with paused staff (French)');
  await switchLanguage(page, 'English');

  await page.goto('/settings/users');
  await row.getByRole('button', { name: 'Resume charging for Pat Paused' }).click();
  await expect(page.getByRole('status')).toContainText('Charging resumed.');
  await expect(row).toContainText('active');
  await expect(row.getByRole('button')).toHaveCount(0);
  await page.goto('/dashboard');
  await expect(paused).toHaveCount(0);

  // The person can charge again.
  await staff.goto('/terminal');
  await expect(staff.getByText('Charging is paused for your account')).toHaveCount(0);
  await staffContext.close();
});
