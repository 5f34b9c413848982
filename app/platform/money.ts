import type { Currency } from '../../db/schema';
import { intlLocale } from './i18n';

// Stripe's limits for USD and CAD card charges, in minor units.
export const MINIMUM_CHARGE: Record<Currency, number> = { usd: 50, cad: 50 };
export const MAXIMUM_CHARGE = 99_999_999;

export type AmountError = 'required' | 'negative' | 'format' | 'decimals' | 'tooLarge';
export type AmountParse = { ok: true; minor: number } | { ok: false; error: AmountError };

// en: "1,099.50"; fr-CA: "1 099,50" (any kind of space between thousands; a decimal point is accepted too).
const PATTERNS: Record<'en' | 'fr-CA', RegExp> = {
  en: /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$/,
  'fr-CA': /^(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[,.](\d*))?$/,
};

/**
 * Parses a typed amount into integer minor units without floating point.
 * Plain decimal notation in the user's locale only: no signs, exponents or more than two decimals.
 */
export function parseAmount(input: string, locale: string = 'en'): AmountParse {
  const text = input.trim();
  if (text === '') return { ok: false, error: 'required' };
  const match = PATTERNS[locale === 'fr-CA' ? 'fr-CA' : 'en'].exec(text);
  if (!match) return { ok: false, error: text.startsWith('-') ? 'negative' : 'format' };
  const [, whole = '', fraction = ''] = match;
  if (fraction.length > 2) return { ok: false, error: 'decimals' };
  const digits = whole.replace(/\D/g, '').replace(/^0+(?=\d)/, '');
  if (digits.length > 9) return { ok: false, error: 'tooLarge' };
  return { ok: true, minor: Number(digits) * 100 + Number(fraction.padEnd(2, '0')) };
}

/**
 * Intl formatting at the edge: "$1,099.00 USD" and "CA$45.00" in English (US dollars named, so never
 * mistaken for Canadian), "1 099,00 $ US" and "45,00 $" in Canadian French.
 */
export function formatMoney(minor: number, currency: Currency | string, locale: string = 'en') {
  const code = currency.toUpperCase();
  const text = new Intl.NumberFormat(intlLocale(locale), { style: 'currency', currency: code }).format(minor / 100);
  return code === 'USD' && text.startsWith('$') ? `${text} USD` : text;
}

/** The amount as a plain decimal string for forms and exports: 109900 → "1099.00". */
export function minorToDecimal(minor: number) {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
