import { z } from 'zod';

import { minorToDecimal, parseAmount } from '~/platform/money';
import { searchText } from '~/platform/search-text';
import { isUtcDay } from '~/platform/utc-day';

import { ATTEMPT_STATUSES, type AttemptStatus, CURRENCIES, type Currency } from '../../db/schema';

// ——— the filter: every field lives in the URL, so a view can be bookmarked and shared ———

// The filter's menu choices live in filter-choices.ts, which the page can import too.

export type ChargeFilter = {
  /** Inclusive UTC days, YYYY-MM-DD. */
  from?: string;
  to?: string;
  status?: AttemptStatus;
  code?: string;
  userId?: number;
  currency?: Currency;
  brand?: string;
  last4?: string;
  /** Minor units, inclusive. */
  minAmount?: number;
  maxAmount?: number;
  q?: string;
};

export const CHARGE_FILTER_FIELDS = ['from', 'to', 'status', 'code', 'user', 'currency', 'brand', 'last4', 'min', 'max', 'q'] as const;
export type ChargeFilterField = (typeof CHARGE_FILTER_FIELDS)[number];

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v);
const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

const utcDate = z.string().refine(isUtcDay, 'invalid_date');

/** URL names are short (`user`, `min`, `max`); values are validated, never trusted. Errors are stable codes for i18n. */
export const ChargeFilterSchema = z.object({
  from: optional(utcDate),
  to: optional(utcDate),
  status: optional(z.enum(ATTEMPT_STATUSES, { errorMap: () => ({ message: 'invalid_status' }) })),
  code: optional(
    z
      .string()
      .toLowerCase()
      .regex(/^[a-z_]{2,60}$/, 'invalid_code'),
  ),
  user: optional(
    z
      .string()
      .regex(/^[1-9]\d{0,9}$/, 'invalid_user')
      .transform(Number),
  ),
  currency: optional(
    z
      .string()
      .toLowerCase()
      .pipe(z.enum(CURRENCIES, { errorMap: () => ({ message: 'invalid_currency' }) })),
  ),
  brand: optional(
    z
      .string()
      .toLowerCase()
      .regex(/^[a-z_]{2,20}$/, 'invalid_brand'),
  ),
  last4: optional(z.string().regex(/^\d{4}$/, 'invalid_last4')),
  min: optional(z.string().max(20)),
  max: optional(z.string().max(20)),
  q: z.preprocess((v) => (typeof v === 'string' ? searchText(v, 1000) : v), z.string().max(100, 'too_long').optional()),
});

export type ChargeFilterParse = {
  filter: ChargeFilter;
  /** Field → error code (e.g. `invalid_date`, or the money parser's code for amounts). Empty when all is well. */
  errors: Partial<Record<ChargeFilterField, string>>;
};

/**
 * Reads the filter from a URL's search params. A bad value becomes a field error and is left out of the
 * filter (the page still renders the rest), never a 500.
 */
export function parseChargeFilter(searchParams: URLSearchParams): ChargeFilterParse {
  const raw = Object.fromEntries(CHARGE_FILTER_FIELDS.map((field) => [field, searchParams.get(field) ?? undefined]));
  const errors: ChargeFilterParse['errors'] = {};
  const parsed = ChargeFilterSchema.safeParse(raw);
  let values: z.infer<typeof ChargeFilterSchema> = {};
  if (parsed.success) values = parsed.data;
  else {
    for (const issue of parsed.error.issues) errors[issue.path[0] as ChargeFilterField] ??= issue.message;
    // Keep every field that did parse on its own.
    for (const field of CHARGE_FILTER_FIELDS) {
      if (errors[field]) continue;
      const one = ChargeFilterSchema.shape[field].safeParse(raw[field]);
      if (one.success) (values as Record<string, unknown>)[field] = one.data;
    }
  }
  const filter: ChargeFilter = {
    from: values.from,
    to: values.to,
    status: values.status,
    code: values.code,
    userId: values.user,
    currency: values.currency,
    brand: values.brand,
    last4: values.last4,
    q: values.q,
  };
  for (const [field, key] of [
    ['min', 'minAmount'],
    ['max', 'maxAmount'],
  ] as const) {
    const text = values[field];
    if (text === undefined) continue;
    // A shared URL may come from either language: "1,099.50" or "1 099,50".
    const english = parseAmount(text);
    const amount = english.ok ? english : parseAmount(text, 'fr-CA');
    if (amount.ok) filter[key] = amount.minor;
    else errors[field] = String(amount.error);
  }
  if (filter.from && filter.to && filter.from > filter.to) errors.to = 'before_from';
  if (filter.minAmount !== undefined && filter.maxAmount !== undefined && filter.minAmount > filter.maxAmount) errors.max = 'below_min';
  return { filter: stripUndefined(filter), errors };
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The filter back as URL params (for links: pages, export, "clear one filter"). */
export function chargeFilterToSearchParams(filter: ChargeFilter): URLSearchParams {
  const params = new URLSearchParams();
  const set = (key: string, value: string | number | undefined) => value !== undefined && params.set(key, String(value));
  set('from', filter.from);
  set('to', filter.to);
  set('status', filter.status);
  set('code', filter.code);
  set('user', filter.userId);
  set('currency', filter.currency);
  set('brand', filter.brand);
  set('last4', filter.last4);
  if (filter.minAmount !== undefined) set('min', minorToDecimal(filter.minAmount));
  if (filter.maxAmount !== undefined) set('max', minorToDecimal(filter.maxAmount));
  set('q', filter.q);
  return params;
}
