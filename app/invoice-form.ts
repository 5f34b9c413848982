import type { TFunction } from 'i18next';
import { z } from 'zod';
import { CURRENCIES } from '../db/schema';
import { MAXIMUM_CHARGE, MINIMUM_CHARGE, formatMoney, parseAmount, type AmountError } from './money';

const AMOUNT_ERROR_KEYS: Record<AmountError, string> = {
  required: 'validation.amount.required',
  negative: 'validation.amount.negative',
  format: 'validation.amount.format',
  decimals: 'validation.amount.decimals',
  tooLarge: 'validation.amount.tooLarge',
};

/** Built per request (server) or per render (browser) so messages and the decimal separator follow the locale. */
export function invoiceFormSchema({ t, locale }: { t: TFunction; locale: string }) {
  return z
    .object({
      customerName: z.string({ required_error: t('validation.customerName') }).trim().min(1, t('validation.customerName')).max(120),
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
      description: z.string({ required_error: t('validation.description') }).trim().min(1, t('validation.description')).max(500),
      amount: z.string({ required_error: t('validation.amount.required') }),
      currency: z.enum(CURRENCIES, { errorMap: () => ({ message: t('validation.currency') }) }),
    })
    .transform((value, ctx) => {
      const parsed = parseAmount(value.amount, locale);
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', path: ['amount'], message: t(AMOUNT_ERROR_KEYS[parsed.error]) });
        return z.NEVER;
      }
      const minimum = MINIMUM_CHARGE[value.currency];
      if (parsed.minor < minimum) {
        ctx.addIssue({ code: 'custom', path: ['amount'], message: t('validation.amount.minimum', { amount: formatMoney(minimum, value.currency, locale) }) });
        return z.NEVER;
      }
      if (parsed.minor > MAXIMUM_CHARGE) {
        ctx.addIssue({ code: 'custom', path: ['amount'], message: t('validation.amount.maximum', { amount: formatMoney(MAXIMUM_CHARGE, value.currency, locale) }) });
        return z.NEVER;
      }
      return { ...value, amount: parsed.minor };
    });
}

export type InvoiceInput = z.output<ReturnType<typeof invoiceFormSchema>>;
