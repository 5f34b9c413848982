import { expect, type Page, test } from '@playwright/test';
import { generateSync } from 'otplib';

import { logIn } from './helpers';

// A user of its own, so the demo accounts other specs use stay password-only.
const email = `finance-2fa-${Date.now()}@keyed.test`;
const password = 'plinth-oxbow-marigold-42';

/** The code an authenticator app shows for this secret, `offsetSeconds` from now. */
const codeFor = (secret: string, offsetSeconds = 0) => generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds });

async function logOut(page: Page) {
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
}

async function enterPassword(page: Page) {
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

test('a new finance user must enrol two-step login, then logs in with a code from the app', async ({ page }) => {
  // A manager adds the user; the form refuses a common password first.
  await logIn(page, 'manager');
  await page.goto('/settings/users');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name').fill('Fran Two-Step');
  await page.getByLabel('Role').selectOption('finance');
  await page.getByLabel(/Temporary password/).fill('password1234');
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByText('This password is on the list of the most common passwords')).toBeVisible();
  await page.getByLabel(/Temporary password/).fill(password);
  // Leaving the field re-validates it and clears the error (the form moves up as it does).
  await page.getByLabel(/Temporary password/).press('Tab');
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByText(`${email} can now log in.`)).toBeVisible();
  await logOut(page);

  // First login: every page sends a finance user without a second factor to enrolment.
  await enterPassword(page);
  await expect(page).toHaveURL(/\/account\/two-factor$/);
  await page.goto('/charges');
  await expect(page).toHaveURL(/\/account\/two-factor$/);
  await expect(page.getByText('Your role must use two-step login')).toBeVisible();
  await expect(page.getByRole('img', { name: /QR code/ })).toHaveAttribute('src', /^data:image\/svg\+xml;base64,/);
  const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await page.getByRole('textbox', { name: 'Code from the app' }).fill('000000');
  await page.getByRole('button', { name: 'Turn on two-step login' }).click();
  await expect(page.getByText('That code is not right')).toBeVisible();
  await page.getByRole('textbox', { name: 'Code from the app' }).fill(codeFor(secret));
  await page.getByRole('button', { name: 'Turn on two-step login' }).click();
  await expect(page.getByRole('heading', { name: 'Your recovery codes' })).toBeVisible();
  await expect(page.getByTestId('recovery-codes').locator('li')).toHaveCount(10);
  await page.getByRole('link', { name: 'Continue to Keyed' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await logOut(page);

  // Next login: the password, then a code. The enrolment used this 30-second step, so the app's next code is used.
  await enterPassword(page);
  await expect(page).toHaveURL(/\/login\/two-factor/);
  await page.getByLabel('Verification code').fill('123456');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('alert')).toContainText('That code is not right');
  await page.getByLabel('Verification code').fill(codeFor(secret, 30));
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto('/charges');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Charges');
});

test('demo accounts stay password-only in sandbox mode', async ({ page }) => {
  await logIn(page, 'finance');
  await page.goto('/charges');
  await expect(page).toHaveURL(/\/charges$/);
});
