import { describe, expect, it } from 'vitest';

import { formatMoney, parseAmount } from '~/platform/money';

describe('amount parsing', () => {
  it.each([
    ['1099', 109900],
    ['1,099.00', 109900],
    ['1099.5', 109950],
    ['0.50', 50],
    ['007.10', 710],
    ['45.', 4500],
  ])('%s → %i minor units', (input, minor) => {
    expect(parseAmount(input)).toEqual({ ok: true, minor });
  });

  it('never goes through floating point: 0.29 + 0.01 style cases stay exact', () => {
    for (let cents = 0; cents < 1000; cents++) {
      const text = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
      expect(parseAmount(text)).toEqual({ ok: true, minor: cents });
    }
  });

  it('formats with Intl and names US dollars', () => {
    expect(formatMoney(109900, 'usd')).toBe('$1,099.00 USD');
    expect(formatMoney(4500, 'cad')).toBe('CA$45.00');
  });
});
