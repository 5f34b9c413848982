import AxeBuilder from '@axe-core/playwright';
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

/** Creates an invoice through the form (finance or manager) and returns its id and number. */
export async function createInvoice(page: Page, invoice: { customer: string; amount: string; currency: 'usd' | 'cad'; description?: string }) {
  await page.goto('/invoices/new');
  await page.getByLabel('Customer name').fill(invoice.customer);
  await page.getByLabel('Description').fill(invoice.description ?? 'Phone order');
  await page.getByLabel('Amount').fill(invoice.amount);
  await page.getByLabel('Currency').selectOption(invoice.currency);
  await page.getByRole('button', { name: 'Create invoice' }).click();
  await expect(page).toHaveURL(/\/invoices\/\d+$/);
  const id = Number(new URL(page.url()).pathname.split('/').pop());
  const number = (await page.getByRole('heading', { level: 1 }).innerText()).split(/\s/)[0]!;
  return { id, number };
}

/** Charges an invoice at the terminal with a test card, as staff do; returns the charge (attempt) id. */
export async function chargeAtTerminal(page: Page, invoiceId: number, card = '4242 4242 4242 4242') {
  await page.goto(`/terminal?invoice=${invoiceId}`);
  await expect(page.frameLocator('iframe[name^="__privateStripeFrame"]').locator('[name=cardnumber]')).toBeVisible();
  await page.getByLabel('Name on card').fill('Card Holder');
  await fillCard(page, { number: card, postal: '10001' });
  await page.getByRole('button', { name: /^Charge / }).click();
  await expect(page).toHaveURL(/attempt=\d+/);
  return Number(new URL(page.url()).searchParams.get('attempt'));
}

export async function switchLanguage(page: Page, name: 'English' | 'Français') {
  await page.getByRole('button', { name, exact: true }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', name === 'English' ? 'en' : 'fr-CA');
}

/** axe with the WCAG 2.1 A and AA rules: no serious or critical violation on the page as it is now. */
export async function expectNoSeriousA11yViolations(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${label}: ${v.id} (${v.impact}) — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious).toEqual([]);
}
