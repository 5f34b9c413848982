import { expect, type Page, test } from '@playwright/test';

import { chargeAtTerminal, createInvoice, expectNoSeriousA11yViolations, logIn, switchLanguage } from './helpers';

const amountField = (page: Page) => page.getByLabel(/^Amount \(empty for everything/);
const refundRows = (page: Page) => page.getByTestId('refunds').locator('li');

async function review(page: Page, amount: string) {
  await amountField(page).fill(amount);
  await page.getByRole('button', { name: 'Review the refund' }).click();
}

test('a refund is confirmed first, the form resets after it, and a second identical refund needs an explicit yes', async ({ page }) => {
  await logIn(page, 'finance');
  const invoice = await createInvoice(page, { customer: 'Léa Bouchard', amount: '80.00', currency: 'cad' });
  const chargeId = await chargeAtTerminal(page, invoice.id);
  await page.goto(`/charges/${chargeId}`);

  await review(page, '5.00');
  // The confirmation states amount, currency, card and customer, and takes focus; nothing is sent yet.
  await expect(page.getByRole('heading', { name: 'Refund CA$5.00 to Visa ···4242, Léa Bouchard?' })).toBeFocused();
  await expect(page.getByText('No refunds.')).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'refund confirmation (English)');
  // Cancel goes back to an empty form.
  await page.getByRole('link', { name: 'Cancel' }).click();
  await expect(amountField(page)).toHaveValue('');

  await review(page, '5.00');
  // A double click on "yes" is still one refund.
  await page.getByRole('button', { name: 'Yes, refund CA$5.00' }).dblclick();
  await expect(refundRows(page)).toHaveCount(1);
  await expect(page.getByRole('status')).toContainText('CA$5.00 refunded.');
  // After success the form is back and empty: one more click cannot send the same refund again.
  await expect(amountField(page)).toHaveValue('');
  await expect(page.getByTestId('refund-confirm')).toHaveCount(0);

  // The same amount again: the confirmation says so and asks for an explicit "yes, another one".
  await review(page, '5');
  const confirm = page.getByTestId('refund-confirm');
  await expect(confirm.getByRole('alert')).toContainText('A refund of CA$5.00 was already made on this charge at');
  const yes = page.getByRole('button', { name: 'Yes, refund CA$5.00' });
  await yes.click();
  // The browser holds the form back without the box…
  await expect(confirm).toBeVisible();
  await expect(refundRows(page)).toHaveCount(1);
  // …and the server refuses it too when the box is bypassed.
  await page.locator('#allow-duplicate').evaluate((box) => ((box as HTMLInputElement).required = false));
  await yes.click();
  await expect(confirm.getByRole('alert').filter({ hasText: 'was just made on this charge' })).toBeVisible();
  await expect(refundRows(page)).toHaveCount(1);
  await page.getByLabel('Yes, send another refund of CA$5.00').check();
  await yes.click();
  await expect(refundRows(page)).toHaveCount(2);
  await expect(amountField(page)).toHaveValue('');

  // In French too, and accessible.
  await switchLanguage(page, 'Français');
  await page.getByLabel(/^Montant \(vide pour tout/).fill('1,50');
  await page.getByRole('button', { name: 'Vérifier le remboursement' }).click();
  await expect(page.getByRole('heading', { name: /^Rembourser 1,50\s\$ sur Visa ···4242, Léa Bouchard\?$/ })).toBeFocused();
  await expectNoSeriousA11yViolations(page, 'refund confirmation (French)');
});

test('the confirmation works without JavaScript', async ({ browser }) => {
  const finance = await browser.newPage();
  await logIn(finance, 'finance');
  const invoice = await createInvoice(finance, { customer: 'Noé Lavoie', amount: '40.00', currency: 'cad' });
  const chargeId = await chargeAtTerminal(finance, invoice.id);
  await finance.close();

  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await logIn(page, 'finance');
  await page.goto(`/charges/${chargeId}`);
  await review(page, '2.50');
  await expect(page.getByRole('heading', { name: 'Refund CA$2.50 to Visa ···4242, Noé Lavoie?' })).toBeVisible();
  await expect(page.getByText('No refunds.')).toBeVisible();
  await page.getByRole('button', { name: 'Yes, refund CA$2.50' }).click();
  await expect(page.getByRole('status')).toContainText('CA$2.50 refunded.');
  await expect(refundRows(page)).toHaveCount(1);
  await expect(amountField(page)).toHaveValue('');
  await context.close();
});

async function submitForApproval(page: Page, customer: string) {
  const invoice = await createInvoice(page, { customer, amount: '900.00', currency: 'cad' });
  const chargeId = await chargeAtTerminal(page, invoice.id);
  await page.goto(`/charges/${chargeId}`);
  await review(page, '700.00');
  await expect(page.getByRole('heading', { name: `Ask a manager to approve a refund of CA$700.00 to Visa ···4242, ${customer}?` })).toBeFocused();
  await expect(page.getByText('Refunds above CA$500.00 on one charge need a manager.')).toBeVisible();
  await page.getByLabel('Note for the manager (optional)').fill('The whole order came back');
  await page.getByRole('button', { name: 'Send to a manager for approval' }).click();
  await expect(page.getByRole('status')).toContainText('Sent to a manager for approval.');
  await expect(page.getByTestId('approval-requests')).toContainText('Waiting for a manager');
  await expect(page.getByText('No refunds.')).toBeVisible();
  return invoice;
}

test('finance submits a refund above the threshold; a manager approves it on the dashboard and it is refunded', async ({ page, browser }) => {
  await logIn(page, 'finance');
  const invoice = await submitForApproval(page, 'Émile Tremblay');

  const managerContext = await browser.newContext();
  const manager = await managerContext.newPage();
  await logIn(manager, 'manager');
  const item = manager.getByTestId('approval-queue').getByRole('listitem').filter({ hasText: invoice.number });
  await expect(item.getByRole('heading')).toHaveText(`CA$700.00 refund on ${invoice.number} — Émile Tremblay`);
  await expect(item).toContainText('Asked by Fran Finance');
  await expect(item).toContainText('Visa ···4242');
  await expect(item).toContainText('The whole order came back');
  await expectNoSeriousA11yViolations(manager, 'dashboard with the approval queue (English)');
  await switchLanguage(manager, 'Français');
  await expect(item.getByRole('heading')).toHaveText(/^Remboursement de 700,00\s\$ sur INV-\d+ — Émile Tremblay$/);
  await expectNoSeriousA11yViolations(manager, 'dashboard with the approval queue (French)');
  await switchLanguage(manager, 'English');

  await item.getByRole('button', { name: 'Approve and refund CA$700.00' }).click();
  await expect(manager.getByRole('status')).toContainText('Approved: CA$700.00 refunded.');
  await expect(item).toHaveCount(0);
  await managerContext.close();

  // The requester sees the decision and the refund on the charge page.
  await page.reload();
  await expect(page.getByTestId('approval-requests')).toContainText('Approved — refund sent');
  await expect(page.getByTestId('approval-requests')).toContainText('decided by Morgan Manager');
  await expect(refundRows(page)).toHaveCount(1);
  await expect(refundRows(page)).toContainText('CA$700.00');
  await expect(page.getByText('Up to CA$200.00 can still be refunded.')).toBeVisible();
});

test('a manager rejects a refund request with a reason; the requester reads it; nothing is refunded', async ({ page, browser }) => {
  await logIn(page, 'finance');
  const invoice = await submitForApproval(page, 'Chloé Nguyen');

  const managerContext = await browser.newContext();
  const manager = await managerContext.newPage();
  await logIn(manager, 'manager');
  const item = manager.getByTestId('approval-queue').getByRole('listitem').filter({ hasText: invoice.number });
  await item.getByRole('button', { name: 'Reject' }).click();
  const reason = item.getByLabel('Reason for rejecting');
  await expect(reason).toHaveAttribute('aria-invalid', 'true');
  await expect(item.getByText('Say why the refund is rejected.')).toBeVisible();
  await reason.fill('Only half the order came back');
  await item.getByRole('button', { name: 'Reject' }).click();
  await expect(manager.getByRole('status')).toContainText('Refund request rejected.');
  await expect(item).toHaveCount(0);
  await managerContext.close();

  await page.reload();
  await expect(page.getByTestId('approval-requests')).toContainText('Rejected');
  await expect(page.getByTestId('approval-requests')).toContainText('Rejected because: Only half the order came back');
  await expect(page.getByText('No refunds.')).toBeVisible();
});
