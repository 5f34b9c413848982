import type { Currency } from '../db/schema';

// Stripe's limits for USD and CAD card charges, in minor units.
export const MINIMUM_CHARGE: Record<Currency, number> = { usd: 50, cad: 50 };
export const MAXIMUM_CHARGE = 99_999_999;

export type AmountParse = { ok: true; minor: number } | { ok: false; error: string };

/**
 * Parses a typed amount ("1,099.50", "1099.5", "45") into integer minor units without floating point.
 * Only plain decimal notation: no signs, exponents or more than two decimals.
 */
export function parseAmount(input: string): AmountParse {
  const text = input.trim();
  if (text === '') return { ok: false, error: 'Enter an amount.' };
  const match = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) {
    if (/^-/.test(text)) return { ok: false, error: 'The amount must be positive.' };
    return { ok: false, error: 'Enter the amount as a number, like 1099.00.' };
  }
  const [, whole = '', fraction = ''] = match;
  if (fraction.length > 2) return { ok: false, error: 'Use at most two decimal places.' };
  const digits = whole.replace(/,/g, '').replace(/^0+(?=\d)/, '');
  if (digits.length > 9) return { ok: false, error: 'That amount is too large.' };
  const minor = Number(digits) * 100 + Number(fraction.padEnd(2, '0'));
  return { ok: true, minor };
}

/** "$1,099.00 USD" for US dollars (so it is never mistaken for Canadian), "CA$45.00" for Canadian. */
export function formatMoney(minor: number, currency: Currency | string, locale = 'en-US') {
  const code = currency.toUpperCase();
  const text = new Intl.NumberFormat(locale, { style: 'currency', currency: code }).format(minor / 100);
  return code === 'USD' && text.startsWith('$') ? `${text} USD` : text;
}

/** The amount as a plain decimal string for forms and exports: 109900 → "1099.00". */
export function minorToDecimal(minor: number) {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
