import { expect, type Page, test } from '@playwright/test';

import { logIn, switchLanguage } from './helpers';

/**
 * Every visible placeholder, typed value and select option (any of them may be the selected one) fits in its field:
 * nothing reads "Numéro, client ou mont…". Text is measured with the field's own font.
 */
async function cutShort(page: Page) {
  return page.evaluate(() => {
    const context = document.createElement('canvas').getContext('2d')!;
    const problems: string[] = [];
    const fields = document.querySelectorAll<HTMLInputElement | HTMLSelectElement>(
      'input[placeholder], input:not([type]), input[type=text], input[type=search], select',
    );
    for (const field of fields) {
      const box = field.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || getComputedStyle(field).visibility === 'hidden') continue;
      const style = getComputedStyle(field);
      context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      // A native select draws its arrow inside the box, after the right padding.
      const arrow = field instanceof HTMLSelectElement ? 20 : 0;
      const room = field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - arrow;
      const texts = field instanceof HTMLSelectElement ? [...field.options].map((o) => o.text) : [field.placeholder, field.value].filter(Boolean);
      for (const text of texts) {
        const width = context.measureText(text).width;
        if (width > room) problems.push(`#${field.id || field.name}: "${text}" needs ${Math.ceil(width)}px, has ${Math.floor(room)}px`);
      }
    }
    return problems;
  });
}

const ROUTES = ['/dashboard', '/terminal', '/invoices', '/invoices/new', '/charges', '/reports', '/settings', '/settings/users', '/audit'];

test.use({ viewport: { width: 1280, height: 800 } });

for (const language of ['English', 'Français'] as const) {
  test(`placeholders and selected values are not cut short at 1280 px (${language})`, async ({ page }) => {
    test.setTimeout(120_000);
    await logIn(page, 'manager');
    await switchLanguage(page, language);
    const found: string[] = [];
    for (const route of ROUTES) {
      await page.goto(route);
      found.push(...(await cutShort(page)).map((problem) => `${route} ${problem}`));
    }
    // A charge with its refund form, and the terminal with an invoice picked.
    await page.goto('/charges?status=succeeded&currency=cad');
    await page.getByRole('region').locator('tbody tr').first().getByRole('link').click();
    await expect(page.locator('#refund-amount')).toBeVisible();
    found.push(...(await cutShort(page)).map((problem) => `charge page ${problem}`));
    await page.goto('/terminal?invoice=2');
    found.push(...(await cutShort(page)).map((problem) => `/terminal?invoice=2 ${problem}`));
    expect(found).toEqual([]);
  });
}

test('no raw codes in the charge list, its filters or the reports: brands, reasons and legends in words', async ({ page }) => {
  await logIn(page, 'finance');
  await page.goto('/charges?status=failed');
  const table = page.getByRole('region', { name: /Charges matching the filter/ });
  await expect(table.locator('tbody tr').first()).toBeVisible();
  const text = await table.innerText();
  expect(text).not.toMatch(/\b(visa|mastercard|amex|generic_decline|insufficient_funds|card_declined|authentication_required)\b/);
  expect(text).toMatch(/Visa|Mastercard|American Express/);
  const brands = await page.getByLabel('Card brand').locator('option').allInnerTexts();
  expect(brands).toEqual(expect.arrayContaining(['Visa', 'Mastercard', 'American Express']));
  const codes = await page.getByLabel('Decline code').locator('option').allInnerTexts();
  expect(codes.join('|')).not.toMatch(/_/);

  await page.getByRole('button', { name: 'Log out' }).click();
  await logIn(page, 'manager');
  await page.goto('/reports');
  await expect(page.getByTestId('declines-chart').locator('.recharts-legend-wrapper')).toBeVisible();
  const legend = await page.getByTestId('declines-chart').locator('.recharts-legend-wrapper').innerText();
  expect(legend).not.toMatch(/_/);
  expect(legend).toMatch(/Insufficient funds|Authentication required/);
  const brandTable = await page.locator('section[aria-labelledby=by-brand]').innerText();
  expect(brandTable).toContain('Visa');
  expect(brandTable).not.toMatch(/\bvisa\b/);
  const countries = await page.locator('section[aria-labelledby=by-country]').innerText();
  expect(countries).toContain('United States');
});
