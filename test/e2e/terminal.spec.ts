import { expect, type Page, test } from '@playwright/test';

import { E2E_SANDBOX_PORT } from '../../playwright.config';
import { fillCard, logIn } from './helpers';

/** Opens the terminal on a fresh open invoice from the picker, keyboard-reachable like the rest. */
async function pickInvoice(page: Page, search: string) {
  await page.goto('/terminal');
  await page.getByLabel('Find an open invoice').fill(search);
  await page.getByRole('button', { name: 'Find' }).click();
  // Wait for the search's own result: the list re-renders a moment after the click.
  const first = page.getByRole('navigation', { name: 'Open invoices' }).getByRole('link').first();
  await expect(first).toContainText(search);
  await first.click();
  await expect(page.locator('#charge-title')).toContainText(search);
}

async function charge(page: Page, card: string) {
  await page.getByLabel('Name on card').fill('Pat Customer');
  await fillCard(page, { number: card, exp: '12 / 34', cvc: '123', postal: '10001' });
  await page.getByRole('button', { name: /^Charge / }).click();
}

test('staff charges an invoice with 4242 4242 4242 4242, sees the receipt and the invoice paid', async ({ page }) => {
  await logIn(page, 'staff');
  await pickInvoice(page, 'Alicia Romero');
  await expect(page.getByTestId('charge-amount')).toHaveText('$89.50 USD');
  await expect(page.getByRole('button', { name: 'Charge $89.50 USD' })).toBeVisible();
  await charge(page, '4242 4242 4242 4242');
  const receipt = page.getByTestId('receipt');
  await expect(receipt).toContainText('Payment approved — $89.50 USD');
  await expect(receipt).toContainText('Visa ···4242');
  await expect(receipt).toContainText(/pi_/);
  await expect(receipt).toContainText('Receipt sent to alicia.romero@example.com.');
  // Focus moves to the outcome so a keyboard or screen-reader user lands on it.
  await expect(page.getByRole('status').filter({ has: receipt })).toBeFocused();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Invoices' }).click();
  await page.getByLabel('Search').fill('Alicia Romero');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('row').nth(1)).toContainText('paid');
});

test('4000 0000 0000 9995 shows the insufficient-funds message', async ({ page }) => {
  await logIn(page, 'staff');
  await pickInvoice(page, 'Marcus Chen');
  await charge(page, '4000 0000 0000 9995');
  await expect(page.getByTestId('decline')).toContainText('Declined — insufficient funds. Ask the customer for another card.');
  await expect(page.getByTestId('decline')).toContainText('insufficient_funds');
  // The invoice stays selected and open, ready for another card.
  await expect(page.getByRole('button', { name: 'Charge $425.00 USD' })).toBeEnabled();
});

test('4000 0025 0000 3155 shows the authentication message', async ({ page }) => {
  await logIn(page, 'staff');
  await pickInvoice(page, 'Priya Natarajan');
  await charge(page, '4000 0025 0000 3155');
  await expect(page.getByTestId('decline')).toContainText(
    "This card needs the bank's authentication (3-D Secure), which this terminal cannot do over the phone. Ask for a different card.",
  );
  await expect(page.getByTestId('decline')).toContainText('authentication_required');
  // Stripe's message for developers never shows to staff unless they open the technical details.
  const developerText = page.getByTestId('decline').getByText(/error_on_requires_action/);
  await expect(developerText).toBeHidden();
  await page.getByTestId('decline').getByText('Technical details').click();
  await expect(developerText).toBeVisible();
});

test('an incomplete card is caught in the page before anything is sent', async ({ page }) => {
  await logIn(page, 'staff');
  await pickInvoice(page, 'Tom Whitaker');
  await page.getByLabel('Name on card').fill('Tom Whitaker');
  const frame = page.frameLocator('iframe[name^="__privateStripeFrame"]');
  await frame.locator('[name=cardnumber]').pressSequentially('4242 4242', { delay: 10 });
  let posted = false;
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().includes('/terminal')) posted = true;
  });
  await page.getByRole('button', { name: /^Charge / }).click();
  await expect(page.locator('#card-error')).not.toBeEmpty();
  expect(posted).toBe(false);
});

test('double-clicking Charge makes exactly one charge', async ({ page }) => {
  await logIn(page, 'staff');
  await pickInvoice(page, 'Hannah Berg');
  await page.getByLabel('Name on card').fill('Hannah Berg');
  await fillCard(page, { number: '4242 4242 4242 4242', postal: '10001' });
  const posts: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().includes('/terminal')) posts.push(request.url());
  });
  await page.getByRole('button', { name: /^Charge / }).dblclick();
  await expect(page.getByTestId('receipt')).toBeVisible();
  expect(posts).toHaveLength(1);
  // Staff see their own attempts only: the one just made, on Hannah Berg's invoice (demo history has other Hannahs).
  await page.goto('/invoices?q=Hannah%20Berg');
  await page.getByRole('link', { name: /INV-/ }).first().click();
  await expect(page.getByRole('heading', { name: 'Payment attempts' })).toBeVisible();
  await expect(page.locator('section[aria-labelledby="attempts-title"] li')).toHaveCount(1);
});

test('the CSP lets Stripe.js load on the terminal only', async ({ page }) => {
  await logIn(page, 'staff');
  const terminal = await page.goto('/terminal');
  expect(terminal?.headers()['content-security-policy']).toContain(`http://127.0.0.1:${E2E_SANDBOX_PORT}`);
  const dashboard = await page.goto('/dashboard');
  expect(dashboard?.headers()['content-security-policy']).not.toContain(`127.0.0.1:${E2E_SANDBOX_PORT}`);
});
