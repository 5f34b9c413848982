import { expect, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'keyed-demo-pass';

export async function logIn(page: Page, role: 'staff' | 'finance' | 'manager') {
  await page.goto('/login');
  await page.getByLabel('Email').fill(`${role}@keyed.test`);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
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
