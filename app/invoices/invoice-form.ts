import type { TFunction } from 'i18next';
import { z } from 'zod';

import { type AmountError, formatMoney, MAXIMUM_CHARGE, MINIMUM_CHARGE, parseAmount } from '~/platform/money';

import { CURRENCIES } from '../../db/schema';

const AMOUNT_ERROR_KEYS: Record<AmountError, string> = {
  required: 'validation.amount.required',
  negative: 'validation.amount.negative',
  format: 'validation.amount.format',
  decimals: 'validation.amount.decimals',
  tooLarge: 'validation.amount.tooLarge',
};

/** Built per request (server) or per render (browser) so messages and the decimal separator follow the locale. */
export function invoiceFormSchema({ t, locale }: { t: TFunction; locale: string }) {
  return (
    z
      .object({
        customerName: z
          .string({ required_error: t('validation.customerName') })
          .trim()
          .min(1, t('validation.customerName'))
          .max(120),
        customerEmail: z
          .string()
          .trim()
          .max(254)
          .email(t('validation.optionalEmail'))
          .optional()
          .transform((v) => (v ? v.toLowerCase() : null)),
        customerPhone: z
          .string()
          .trim()
          .max(40)
          .optional()
          .transform((v) => v || null)
          .refine((v) => v === null || /^[+()\d\s.-]{7,40}$/.test(v), t('validation.phone')),
        description: z
          .string({ required_error: t('validation.description') })
          .trim()
          .min(1, t('validation.description'))
          .max(500),
        // Format errors belong to the field itself, so they show even while other fields are still empty.
        amount: z.string({ required_error: t('validation.amount.required') }).transform((text, ctx) => {
          const parsed = parseAmount(text, locale);
          if (parsed.ok) return parsed.minor;
          ctx.addIssue({ code: 'custom', message: t(AMOUNT_ERROR_KEYS[parsed.error]) });
          return z.NEVER;
        }),
        currency: z.enum(CURRENCIES, { errorMap: () => ({ message: t('validation.currency') }) }),
      })
      // The limits depend on the currency, so they are checked once both fields are valid.
      .superRefine((value, ctx) => {
        const minimum = MINIMUM_CHARGE[value.currency];
        if (value.amount < minimum) {
          ctx.addIssue({ code: 'custom', path: ['amount'], message: t('validation.amount.minimum', { amount: formatMoney(minimum, value.currency, locale) }) });
        } else if (value.amount > MAXIMUM_CHARGE) {
          ctx.addIssue({
            code: 'custom',
            path: ['amount'],
            message: t('validation.amount.maximum', { amount: formatMoney(MAXIMUM_CHARGE, value.currency, locale) }),
          });
        }
      })
  );
}

export type InvoiceInput = z.output<ReturnType<typeof invoiceFormSchema>>;
