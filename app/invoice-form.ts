import { z } from 'zod';
import { CURRENCIES } from '../db/schema';
import { MAXIMUM_CHARGE, MINIMUM_CHARGE, formatMoney, parseAmount } from './money';

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : null));

export const InvoiceFormSchema = z
  .object({
    customerName: z.string({ required_error: 'Enter the customer name.' }).trim().min(1, 'Enter the customer name.').max(120),
    customerEmail: z
      .string()
      .trim()
      .max(254)
      .email('Enter a valid email address, or leave it empty.')
      .optional()
      .or(z.literal('').transform(() => undefined))
      .transform((v) => (v ? v.toLowerCase() : null)),
    customerPhone: optionalText(40).refine((v) => v === null || /^[+()\d\s.-]{7,40}$/.test(v), 'Enter a valid phone number.'),
    description: z.string({ required_error: 'Describe what the invoice is for.' }).trim().min(1, 'Describe what the invoice is for.').max(500),
    amount: z.string({ required_error: 'Enter an amount.' }),
    currency: z.enum(CURRENCIES, { errorMap: () => ({ message: 'Choose USD or CAD.' }) }),
  })
  .transform((value, ctx) => {
    const parsed = parseAmount(value.amount);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: parsed.error });
      return z.NEVER;
    }
    const minimum = MINIMUM_CHARGE[value.currency];
    if (parsed.minor < minimum) {
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message: `Stripe's minimum card charge is ${formatMoney(minimum, value.currency)}.`,
      });
      return z.NEVER;
    }
    if (parsed.minor > MAXIMUM_CHARGE) {
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message: `The most one card charge can be is ${formatMoney(MAXIMUM_CHARGE, value.currency)}.`,
      });
      return z.NEVER;
    }
    return { ...value, amount: parsed.minor };
  });

export type InvoiceInput = z.output<typeof InvoiceFormSchema>;
