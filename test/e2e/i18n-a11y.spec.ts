import { expect, test } from '@playwright/test';

import { expectNoSeriousA11yViolations, logIn, switchLanguage } from './helpers';

test('a user switches to French; the terminal and a decline message appear in French, with French money', async ({ page }) => {
  await logIn(page, 'staff');
  await switchLanguage(page, 'Français');
  await expect(page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Factures' })).toBeVisible();
  await page.goto('/terminal');
  await expect(page.getByRole('heading', { name: 'Terminal', level: 1 })).toBeVisible();
  // The demo's Lakeside Rowing Club invoice by name: demo history has open "Lakeside Catering" invoices too.
  await page.getByLabel('Trouver une facture ouverte').fill('Lakeside Rowing');
  await page.getByRole('button', { name: 'Trouver' }).click();
  await page.getByRole('navigation', { name: 'Factures ouvertes' }).getByRole('link').first().click();
  await expect(page.getByTestId('charge-amount')).toHaveText(/^1\s618,20\s\$$/);
  await page.getByLabel('Nom sur la carte').fill('Lakeside Rowing');
  const frame = page.frameLocator('iframe[name^="__privateStripeFrame"]');
  // The card fields speak French too, and so do their validation messages.
  await expect(frame.locator('[name=cardnumber]')).toHaveAttribute('aria-label', 'Numéro de carte');
  await frame.locator('[name=cardnumber]').pressSequentially('4242 4242 4242 4241', { delay: 10 });
  await expect(page.locator('#card-error')).toHaveText('Le numéro de votre carte est invalide.');
  await frame.locator('[name=cardnumber]').clear();
  await frame.locator('[name=cardnumber]').pressSequentially('4000 0000 0000 9995', { delay: 10 });
  await frame.locator('[name=exp-date]').pressSequentially('12 / 34', { delay: 10 });
  await frame.locator('[name=cvc]').pressSequentially('123', { delay: 10 });
  await frame.locator('[name=postal]').pressSequentially('H2X 1Y4', { delay: 10 });
  await page.getByRole('button', { name: /^Débiter / }).click();
  await expect(page.getByTestId('decline')).toContainText('Refusée — fonds insuffisants. Demandez une autre carte au client.');
  await expect(page.getByTestId('decline')).toContainText('insufficient_funds');
  // The choice is remembered on the account: a new session starts in French.
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr-CA');
  await page.locator('input[name=email]').fill('staff@keyed.test');
  await page.locator('input[name=password]').fill('keyed-demo-pass');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Content de vous revoir');
});

test('the browser language picks French before any choice is made', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'fr-CA', extraHTTPHeaders: { 'Accept-Language': 'fr-CA,fr;q=0.9' } });
  const page = await context.newPage();
  await page.goto('/login');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr-CA');
  await expect(page.getByRole('button', { name: 'Se connecter' })).toBeVisible();
  await context.close();
});

test('the terminal works from the keyboard alone, and the outcome takes focus', async ({ page }) => {
  await logIn(page, 'staff');
  await page.goto('/terminal');
  // Search with the keyboard, then pick the first open invoice it lists.
  await page.getByLabel('Find an open invoice').focus();
  await page.keyboard.type('INV-10');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/q=INV-10/);
  const invoiceLink = page.getByRole('navigation', { name: 'Open invoices' }).getByRole('link').first();
  // The URL changes a moment before the list re-renders: wait for the search's own result.
  await expect(invoiceLink).toContainText('INV-10');
  const number = (await invoiceLink.innerText()).split(/\s/)[0]!;
  // Focus that invoice's own link: the list may re-render between reading it and pressing Enter.
  await page
    .getByRole('navigation', { name: 'Open invoices' })
    .getByRole('link', { name: new RegExp(`^${number}\\b`) })
    .focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#charge-title')).toContainText(number);
  // A person starts once the secure card field is on screen.
  const cardNumber = page.frameLocator('iframe[name^="__privateStripeFrame"]').locator('[name=cardnumber]');
  await expect(cardNumber).toBeVisible();
  await page.getByLabel('Name on card').focus();
  await page.keyboard.type('Keyboard User');
  // Into the card iframe; like Stripe's Card Element it moves on by itself as each part is complete.
  await page.keyboard.press('Tab');
  await expect(cardNumber).toBeFocused();
  await page.keyboard.type('4242424242424242', { delay: 10 });
  await page.keyboard.type('1234', { delay: 10 });
  await page.keyboard.type('123', { delay: 10 });
  await page.keyboard.type('10001', { delay: 10 });
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: /^Charge / })).toBeFocused();
  await page.keyboard.press('Enter');
  const outcome = page.getByRole('status').filter({ has: page.getByTestId('receipt') });
  await expect(outcome).toBeFocused();
  await expect(outcome).toHaveAttribute('aria-live', 'polite');
});

test('form errors are tied to their fields', async ({ page }) => {
  await logIn(page, 'finance');
  await page.goto('/invoices/new');
  await page.getByLabel('Amount').fill('abc');
  await page.getByRole('button', { name: 'Create invoice' }).click();
  const amount = page.getByLabel('Amount');
  await expect(amount).toHaveAttribute('aria-invalid', 'true');
  const describedBy = await amount.getAttribute('aria-describedby');
  expect(describedBy).toBeTruthy();
  await expect(page.locator(`[id="${describedBy}"]`)).toHaveText('Enter the amount as a number, like 1,099.00.');
});

const MANAGER_ROUTES = [
  '/dashboard',
  '/invoices',
  '/invoices/new',
  '/invoices/1',
  '/terminal',
  '/terminal?invoice=2',
  '/charges',
  '/charges?code=authentication_required',
  '/charges/1',
  '/reports',
  '/reports?range=90',
  '/settings',
  '/settings/users',
  '/settings/users/1',
  '/audit',
  '/invoices/999999',
];

for (const language of ['English', 'Français'] as const) {
  test(`axe finds no serious or critical violations on any page (${language})`, async ({ page, browser }) => {
    // One test walks every page with axe: give it room on a busy 2-core CI machine.
    test.setTimeout(240_000);
    // The login page, before anyone logs in.
    const anonymous = await browser.newContext({ extraHTTPHeaders: { 'Accept-Language': language === 'English' ? 'en' : 'fr-CA' } });
    const loginPage = await anonymous.newPage();
    await loginPage.goto('/login');
    await expectNoSeriousA11yViolations(loginPage, '/login');
    await anonymous.close();

    await logIn(page, 'manager');
    await switchLanguage(page, language);
    for (const route of MANAGER_ROUTES) {
      await page.goto(route);
      if (route.startsWith('/terminal?')) await expect(page.frameLocator('iframe[name^="__privateStripeFrame"]').locator('[name=cardnumber]')).toBeVisible();
      await expectNoSeriousA11yViolations(page, route);
    }
    // The 403 page, as staff.
    await page.getByRole('button', { name: language === 'English' ? 'Log out' : 'Se déconnecter' }).click();
    await logIn(page, 'staff');
    await page.goto('/settings/users');
    await expectNoSeriousA11yViolations(page, '403');
  });
}
