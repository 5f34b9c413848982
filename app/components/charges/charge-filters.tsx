import { Form, Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

import { CARD_BRANDS, DECLINE_CODE_CHOICES } from '~/charges/filter-choices';
import { STATUS_LABEL_KEYS } from '~/components/status-badge';
import { useLabels } from '~/components/use-labels';

import { ATTEMPT_STATUSES } from '../../../db/schema';

// Filter error codes from the filter parser, as translation keys.
const FILTER_ERROR_KEYS: Record<string, string> = {
  invalid_date: 'charges.errors.date',
  invalid_status: 'charges.errors.choice',
  invalid_code: 'charges.errors.choice',
  invalid_user: 'charges.errors.choice',
  invalid_currency: 'charges.errors.choice',
  invalid_brand: 'charges.errors.choice',
  invalid_last4: 'charges.errors.last4',
  too_long: 'charges.errors.tooLong',
  before_from: 'charges.errors.beforeFrom',
  below_min: 'charges.errors.belowMin',
  required: 'validation.amount.required',
  negative: 'validation.amount.negative',
  format: 'validation.amount.format',
  decimals: 'validation.amount.decimals',
  tooLarge: 'validation.amount.tooLarge',
};

type FilterField = 'from' | 'to' | 'status' | 'code' | 'user' | 'currency' | 'brand' | 'last4' | 'min' | 'max' | 'q';

/** The filter form: every field lives in the URL, so a view can be bookmarked and shared. */
export function ChargeFilters({
  filterParams,
  errors,
  staff,
}: {
  filterParams: string;
  errors: Partial<Record<FilterField, string>>;
  staff: { id: number; name: string }[];
}) {
  const { t } = useTranslation();
  const labels = useLabels();
  const params = new URLSearchParams(filterParams);
  const value = (name: string) => params.get(name) ?? '';
  const fieldError = (name: FilterField) =>
    errors[name] ? (
      <p id={`${name}-error`} className="field-error">
        {t(FILTER_ERROR_KEYS[errors[name]!] ?? 'charges.errors.choice')}
      </p>
    ) : null;
  const field = (name: FilterField, label: string, input: JSX.Element, className?: string) => (
    <div className={className}>
      <label htmlFor={`filter-${name}`} className="field-label">
        {label}
      </label>
      {input}
      {fieldError(name)}
    </div>
  );
  const inputProps = (name: FilterField) => ({
    id: `filter-${name}`,
    name,
    defaultValue: value(name),
    className: 'field-input',
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': errors[name] ? `${name}-error` : undefined,
  });

  return (
    // Columns at least 14rem wide, so every choice (French too) shows in full in its select; dense fills the gaps.
    <Form method="get" className="card grid grid-flow-row-dense grid-cols-[repeat(auto-fill,minmax(14rem,1fr))] gap-3" aria-label={t('charges.filters')}>
      {field('from', t('charges.from'), <input type="date" {...inputProps('from')} />)}
      {field('to', t('charges.to'), <input type="date" {...inputProps('to')} />)}
      {field(
        'status',
        t('invoices.status'),
        <select {...inputProps('status')}>
          <option value="">{t('charges.any')}</option>
          {ATTEMPT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(STATUS_LABEL_KEYS[s]!)}
            </option>
          ))}
        </select>,
      )}
      {field(
        'code',
        t('charges.code'),
        <select {...inputProps('code')}>
          <option value="">{t('charges.any')}</option>
          {DECLINE_CODE_CHOICES.map((code) => (
            <option key={code} value={code}>
              {code === 'authentication_required' ? t('charges.authRequiredChoice') : labels.declineCode(code)}
            </option>
          ))}
        </select>,
        'sm:col-span-2',
      )}
      {field(
        'user',
        t('charges.staff'),
        <select {...inputProps('user')}>
          <option value="">{t('charges.anyone')}</option>
          {staff.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>,
      )}
      {field(
        'currency',
        t('invoiceForm.currency'),
        <select {...inputProps('currency')}>
          <option value="">{t('charges.any')}</option>
          <option value="usd">USD</option>
          <option value="cad">CAD</option>
        </select>,
      )}
      {field(
        'brand',
        t('charges.brand'),
        <select {...inputProps('brand')}>
          <option value="">{t('charges.any')}</option>
          {CARD_BRANDS.map((brand) => (
            <option key={brand} value={brand}>
              {labels.brand(brand)}
            </option>
          ))}
        </select>,
      )}
      {field('last4', t('charges.last4'), <input inputMode="numeric" maxLength={4} {...inputProps('last4')} />)}
      {field('min', t('charges.min'), <input inputMode="decimal" placeholder={t('charges.amountPlaceholder')} {...inputProps('min')} />)}
      {field('max', t('charges.max'), <input inputMode="decimal" placeholder={t('charges.amountPlaceholder')} {...inputProps('max')} />)}
      <div className="sm:col-span-2">
        {field('q', t('charges.search'), <input type="search" placeholder={t('charges.searchPlaceholder')} {...inputProps('q')} />)}
      </div>
      <div className="col-span-full flex items-end gap-2">
        <button type="submit" className="btn-primary">
          {t('charges.apply')}
        </button>
        <Link to="/charges" className="btn-secondary">
          {t('charges.clear')}
        </Link>
      </div>
    </Form>
  );
}
