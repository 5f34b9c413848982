import { expect, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'keyed-demo-pass';

/** Logs in (whatever language the login page is in) and sets the account's language, English by default. */
export async function logIn(page: Page, role: 'staff' | 'finance' | 'manager', language: 'en' | 'fr-CA' = 'en') {
  await page.goto('/login');
  await page.locator('input[name=email]').fill(`${role}@keyed.test`);
  await page.locator('input[name=password]').fill(DEMO_PASSWORD);
  await page
    .locator('button[type=submit]')
    .filter({ hasText: /Log in|Se connecter/ })
    .click();
  await expect(page).toHaveURL(/\/dashboard$/);
  // Tests share one server, so a language saved by an earlier test must not leak into this one.
  await page.request.post('/language', { form: { locale: language, redirectTo: '/dashboard' }, maxRedirects: 0 });
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', language);
}

/** Types into the card fields inside the Stripe (or sandbox) iframe, as a person would. */
export async function fillCard(page: Page, card: { number: string; exp?: string; cvc?: string; postal?: string }) {
  const frame = page.frameLocator('iframe[name^="__privateStripeFrame"]');
  await frame.locator('[name=cardnumber]').pressSequentially(card.number, { delay: 10 });
  await frame.locator('[name=exp-date]').pressSequentially(card.exp ?? '12 / 34', { delay: 10 });
  await frame.locator('[name=cvc]').pressSequentially(card.cvc ?? '123', { delay: 10 });
  const postal = frame.locator('[name=postal]');
  if (card.postal !== undefined && (await postal.count()) > 0) await postal.pressSequentially(card.postal, { delay: 10 });
}
