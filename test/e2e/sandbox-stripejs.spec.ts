// The sandbox's Stripe.js stand-in in a real browser: react-stripe-js mounts the Card
// Element, a person types into the iframe, and createPaymentMethod reaches the sandbox.
// Self-contained: its own sandbox and page server, so it does not need the app.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

import { expect, type Page, test } from '@playwright/test';
import { build } from 'esbuild';
import Stripe from 'stripe';

import { startSandbox } from '../../sandbox/index.ts';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let pageServer: Server;
let pageUrl = '';

test.beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, dbPath: ':memory:', quiet: true });
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./fixtures/sandbox-card-page.tsx', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    jsx: 'automatic',
    target: 'es2020',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0].text;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sandbox card fixture</title>
<script src="${sandbox.url}/v3/"></script></head><body><div id="root"></div><script src="/app.js"></script></body></html>`;
  pageServer = createServer((req, res) => {
    if (req.url === '/app.js') {
      res.writeHead(200, { 'Content-Type': 'application/javascript' });
      res.end(script);
    } else {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(html);
    }
  });
  await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
  pageUrl = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}/`;
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => pageServer?.close(() => resolve()));
  await sandbox?.close();
});

const cardFrame = (page: Page) => page.frameLocator('iframe[name^="__privateStripeFrame"]');

test('a typed card becomes a PaymentMethod in the sandbox; the page never holds the number', async ({ page }) => {
  await page.goto(pageUrl);
  await expect(page.getByTestId('ready')).toHaveText('ready');
  const iframe = page.locator('iframe[name^="__privateStripeFrame"]');
  await expect(iframe).toHaveAttribute('title', 'Secure card payment input frame');

  const frame = cardFrame(page);
  await frame.getByLabel('Card number').pressSequentially('4242 4242 4242 4242', { delay: 5 });
  await frame.getByLabel('Expiration date MM / YY').pressSequentially('12 / 34', { delay: 5 });
  await frame.getByLabel('Security code').pressSequentially('123', { delay: 5 });
  await frame.getByLabel('ZIP').pressSequentially('10001', { delay: 5 });
  await expect(frame.locator('[name=cardnumber]')).toHaveValue('4242 4242 4242 4242');
  await expect(frame.locator('[name=exp-date]')).toHaveValue('12 / 34');
  await expect(page.getByTestId('brand')).toHaveText('visa');
  await expect(page.getByTestId('complete')).toHaveText('complete');

  await page.getByRole('button', { name: 'Create payment method' }).click();
  await expect(page.getByTestId('payment-method')).toHaveText(/^pm_/);
  const id = (await page.getByTestId('payment-method').textContent())!;

  // The host page's DOM never contained the card number.
  expect(await page.content()).not.toContain('4242 4242');

  const stripe = new Stripe('sk_test_e2e', { host: '127.0.0.1', port: sandbox.port, protocol: 'http' });
  const pm = await stripe.paymentMethods.retrieve(id);
  expect(pm.card?.last4).toBe('4242');
  expect(pm.card?.brand).toBe('visa');
  expect(pm.card?.exp_month).toBe(12);
  expect(pm.card?.exp_year).toBe(2034);
  expect(pm.billing_details.name).toBe('Jenny Rosen');
  expect(pm.billing_details.address?.postal_code).toBe('10001');
});

test('an invalid number shows the validation error from the change event', async ({ page }) => {
  await page.goto(pageUrl);
  await expect(page.getByTestId('ready')).toHaveText('ready');
  await cardFrame(page).locator('[name=cardnumber]').pressSequentially('4242 4242 4242 4241', { delay: 5 });
  await expect(page.getByTestId('error')).toHaveText('Your card number is invalid.');
  await expect(page.getByTestId('complete')).toHaveText('incomplete');
});

test('createPaymentMethod with an incomplete card returns a validation_error without calling the API', async ({ page }) => {
  await page.goto(pageUrl);
  await expect(page.getByTestId('ready')).toHaveText('ready');
  await cardFrame(page).locator('[name=cardnumber]').pressSequentially('4242 4242', { delay: 5 });
  await page.getByRole('button', { name: 'Create payment method' }).click();
  await expect(page.getByTestId('error')).toHaveText('Your card number is incomplete.');
  await expect(page.getByTestId('payment-method')).toHaveText('');
});

test('the legacy createPaymentMethod("card", element, data) form works too', async ({ page }) => {
  await page.goto(pageUrl);
  await expect(page.getByTestId('ready')).toHaveText('ready');
  const frame = cardFrame(page);
  await frame.locator('[name=cardnumber]').pressSequentially('5555 5555 5555 4444', { delay: 5 });
  await frame.locator('[name=exp-date]').pressSequentially('0130', { delay: 5 });
  await frame.locator('[name=cvc]').pressSequentially('123', { delay: 5 });
  await frame.locator('[name=postal]').pressSequentially('94107', { delay: 5 });
  await expect(page.getByTestId('brand')).toHaveText('mastercard');
  await page.getByRole('button', { name: 'Create (legacy form)' }).click();
  await expect(page.getByTestId('payment-method')).toHaveText(/^pm_/);
  const stripe = new Stripe('sk_test_e2e', { host: '127.0.0.1', port: sandbox.port, protocol: 'http' });
  const pm = await stripe.paymentMethods.retrieve((await page.getByTestId('payment-method').textContent())!);
  expect(pm.card).toMatchObject({ brand: 'mastercard', last4: '4444', exp_month: 1, exp_year: 2030 });
  expect(pm.billing_details.name).toBe('Legacy Form');
});

test('confirmCardPayment creates the PaymentMethod in the frame and confirms the intent', async ({ page }) => {
  const stripe = new Stripe('sk_test_e2e', { host: '127.0.0.1', port: sandbox.port, protocol: 'http' });
  const intent = await stripe.paymentIntents.create({ amount: 1999, currency: 'usd' });
  await page.goto(`${pageUrl}?clientSecret=${encodeURIComponent(intent.client_secret!)}`);
  await expect(page.getByTestId('ready')).toHaveText('ready');
  const frame = cardFrame(page);
  await frame.locator('[name=cardnumber]').pressSequentially('4000 0000 0000 9995', { delay: 5 });
  await frame.locator('[name=exp-date]').pressSequentially('12 / 34', { delay: 5 });
  await frame.locator('[name=cvc]').pressSequentially('123', { delay: 5 });
  await frame.locator('[name=postal]').pressSequentially('10001', { delay: 5 });
  await page.getByRole('button', { name: 'Pay', exact: true }).click();
  await expect(page.getByTestId('error')).toHaveText('Your card has insufficient funds.');
  await expect(page.getByTestId('payment-status')).toHaveText('requires_payment_method');

  await frame.locator('[name=cardnumber]').fill('');
  await frame.locator('[name=cardnumber]').pressSequentially('4242 4242 4242 4242', { delay: 5 });
  await page.getByRole('button', { name: 'Pay', exact: true }).click();
  await expect(page.getByTestId('payment-status')).toHaveText('succeeded');
  expect((await stripe.paymentIntents.retrieve(intent.id)).status).toBe('succeeded');
});

test('hidePostalCode hides the ZIP input and the card completes without it', async ({ page }) => {
  await page.goto(`${pageUrl}?hidePostalCode`);
  await expect(page.getByTestId('ready')).toHaveText('ready');
  const frame = cardFrame(page);
  await expect(frame.getByLabel('ZIP')).toBeHidden();
  await frame.getByLabel('Card number').pressSequentially('3782 822463 10005', { delay: 5 });
  await expect(frame.locator('[name=cardnumber]')).toHaveValue('3782 822463 10005');
  await frame.getByLabel('Expiration date MM / YY').pressSequentially('1230', { delay: 5 });
  await frame.getByLabel('Security code').pressSequentially('1234', { delay: 5 });
  await expect(page.getByTestId('brand')).toHaveText('amex');
  await expect(page.getByTestId('complete')).toHaveText('complete');
});

// 3D Secure: confirmCardPayment opens the issuer's challenge over the page, in an iframe on the sandbox's
// origin with Stripe's test page buttons, and resolves as Stripe.js does.
async function typeCard(page: Page, number: string) {
  const frame = cardFrame(page);
  await frame.locator('[name=cardnumber]').fill('');
  await frame.locator('[name=cardnumber]').pressSequentially(number, { delay: 5 });
  await frame.locator('[name=exp-date]').fill('');
  await frame.locator('[name=exp-date]').pressSequentially('12 / 34', { delay: 5 });
  await frame.locator('[name=cvc]').fill('');
  await frame.locator('[name=cvc]').pressSequentially('123', { delay: 5 });
  await frame.locator('[name=postal]').fill('');
  await frame.locator('[name=postal]').pressSequentially('10001', { delay: 5 });
}

const challenge = (page: Page) => page.frameLocator('iframe#challengeFrame');

test('3D Secure, Complete: the challenge opens on the sandbox origin and the payment succeeds', async ({ page }) => {
  const stripe = new Stripe('sk_test_e2e', { host: '127.0.0.1', port: sandbox.port, protocol: 'http' });
  const intent = await stripe.paymentIntents.create({ amount: 2500, currency: 'eur' });
  await page.goto(`${pageUrl}?clientSecret=${encodeURIComponent(intent.client_secret!)}`);
  await expect(page.getByTestId('ready')).toHaveText('ready');
  await typeCard(page, '4000 0027 6000 3184');
  await page.getByRole('button', { name: 'Pay', exact: true }).click();

  const dialog = page.getByRole('dialog', { name: '3D Secure authentication' });
  await expect(dialog).toBeVisible();
  await expect(page.locator('iframe#challengeFrame')).toHaveAttribute('src', new RegExp(`^${sandbox.url}/redirect/authenticate/src_`));
  await expect(page.getByTestId('payment-status')).toHaveText('paying');
  await expect(challenge(page).getByRole('heading', { name: '3D Secure 2 Test Page' })).toBeVisible();
  await expect(challenge(page).getByText('€25.00')).toBeVisible();
  await challenge(page).getByRole('button', { name: 'Complete' }).click();

  await expect(page.getByTestId('payment-status')).toHaveText('succeeded');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('error')).toHaveText('');
  const settled = await stripe.paymentIntents.retrieve(intent.id, { expand: ['latest_charge'] });
  expect(settled.status).toBe('succeeded');
  expect((settled.latest_charge as Stripe.Charge).payment_method_details?.card?.three_d_secure?.result).toBe('authenticated');
});

test('3D Secure, Fail: Stripe.js reports the authentication failure, and another card can still pay', async ({ page }) => {
  const stripe = new Stripe('sk_test_e2e', { host: '127.0.0.1', port: sandbox.port, protocol: 'http' });
  const intent = await stripe.paymentIntents.create({ amount: 1800, currency: 'usd' });
  await page.goto(`${pageUrl}?clientSecret=${encodeURIComponent(intent.client_secret!)}`);
  await expect(page.getByTestId('ready')).toHaveText('ready');
  await typeCard(page, '4000 0025 0000 3155');
  await page.getByRole('button', { name: 'Pay', exact: true }).click();
  await challenge(page).getByRole('button', { name: 'Fail' }).click();

  await expect(page.getByTestId('error')).toHaveText(
    'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
  );
  await expect(page.getByTestId('error-code')).toHaveText('payment_intent_authentication_failure');
  await expect(page.getByTestId('payment-status')).toHaveText('requires_payment_method');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  const failed = await stripe.paymentIntents.retrieve(intent.id);
  expect(failed.status).toBe('requires_payment_method');
  expect(failed.latest_charge).toBeNull();

  await typeCard(page, '4242 4242 4242 4242');
  await page.getByRole('button', { name: 'Pay', exact: true }).click();
  await expect(page.getByTestId('payment-status')).toHaveText('succeeded');
  await expect(page.getByRole('dialog')).toHaveCount(0);
});

test('3D Secure with a saved PaymentMethod id: authenticated, then declined for insufficient funds', async ({ page }) => {
  const stripe = new Stripe('sk_test_e2e', { host: '127.0.0.1', port: sandbox.port, protocol: 'http' });
  const intent = await stripe.paymentIntents.create({ amount: 1200, currency: 'gbp' });
  const pm = await stripe.paymentMethods.retrieve('pm_card_authenticationRequiredChargeDeclinedInsufficientFunds');
  await page.goto(`${pageUrl}?clientSecret=${encodeURIComponent(intent.client_secret!)}&paymentMethod=${pm.id}`);
  await expect(page.getByTestId('ready')).toHaveText('ready');
  await page.getByRole('button', { name: 'Pay with saved card' }).click();
  await challenge(page).getByRole('button', { name: 'Complete' }).click();
  await expect(page.getByTestId('error')).toHaveText('Your card has insufficient funds.');
  await expect(page.getByTestId('error-code')).toHaveText('card_declined');
  await expect(page.getByTestId('payment-status')).toHaveText('requires_payment_method');
});
