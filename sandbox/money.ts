/** Currency facts the sandbox needs for Stripe's amount checks and messages. */

const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);

/** Stripe's minimum charge amounts (docs.stripe.com/currencies#minimum-and-maximum-charge-amounts), minor units. */
const MINIMUMS: Record<string, number> = {
  usd: 50,
  aud: 50,
  brl: 50,
  cad: 50,
  chf: 50,
  dkk: 250,
  eur: 50,
  gbp: 30,
  hkd: 400,
  inr: 50,
  jpy: 50,
  mxn: 1000,
  nok: 300,
  nzd: 50,
  pln: 200,
  sek: 300,
  sgd: 50,
};

export const SUPPORTED_CURRENCIES = new Set([...Object.keys(MINIMUMS), ...ZERO_DECIMAL]);

export function minimumAmount(currency: string): number {
  return MINIMUMS[currency] ?? 50;
}

/** `$0.50`, `¥50`, `€1,234.00` — as Stripe writes amounts in error messages. */
export function formatAmount(amount: number, currency: string): string {
  const zero = ZERO_DECIMAL.has(currency);
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: currency.toUpperCase(),
    minimumFractionDigits: zero ? 0 : 2,
  }).format(zero ? amount : amount / 100);
}

export const MAX_AMOUNT = 99_999_999;
