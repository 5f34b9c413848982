import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

import { chargeFilterToSearchParams, parseChargeFilter } from '~/charges/filter.server';
import { CARD_BRANDS, DECLINE_CODE_CHOICES } from '~/charges/filter-choices';
import { listCharges } from '~/charges/list.server';
import { chargeTotals } from '~/charges/totals.server';
import { DataTable } from '~/components/data-table';
import { ErrorPage } from '~/components/error-page';
import { pageTitle } from '~/components/page-title';
import { STATUS_LABEL_KEYS, StatusBadge } from '~/components/status-badge';
import { useFormat } from '~/components/use-format';
import { requirePermission } from '~/platform/auth.server';
import { can } from '~/platform/permissions';
import { listUsers } from '~/users/users.server';

import { ATTEMPT_STATUSES } from '../../db/schema';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'titles.charges');

// Filter error codes from charges.server, as translation keys.
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

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'charge:read');
  const url = new URL(request.url);
  const { filter, errors } = parseChargeFilter(url.searchParams);
  const page = listCharges({ filter, cursor: url.searchParams.get('cursor') });
  return json(
    {
      page,
      totals: chargeTotals(filter),
      errors,
      filterParams: chargeFilterToSearchParams(filter).toString(),
      staff: listUsers().map((u) => ({ id: u.id, name: u.name })),
      canExport: can(user.role, 'charge:export'),
    },
    { headers: { 'Cache-Control': 'no-store' } },
  );
}

export default function ChargesPage() {
  const { page, totals, errors, filterParams, staff, canExport } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const format = useFormat();
  const params = new URLSearchParams(filterParams);
  const value = (name: string) => params.get(name) ?? '';
  const pageLink = (cursor: string) => {
    const next = new URLSearchParams(filterParams);
    next.set('cursor', cursor);
    return `?${next}`;
  };
  const fieldError = (name: keyof typeof errors) =>
    errors[name] ? (
      <p id={`${name}-error`} className="field-error">
        {t(FILTER_ERROR_KEYS[errors[name]!] ?? 'charges.errors.choice')}
      </p>
    ) : null;
  const field = (name: keyof typeof errors, label: string, input: JSX.Element) => (
    <div>
      <label htmlFor={`filter-${name}`} className="field-label">
        {label}
      </label>
      {input}
      {fieldError(name)}
    </div>
  );
  const inputProps = (name: keyof typeof errors) => ({
    id: `filter-${name}`,
    name,
    defaultValue: value(name),
    className: 'field-input',
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': errors[name] ? `${name}-error` : undefined,
  });

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-bold tracking-tight">{t('nav.charges')}</h1>
        {canExport ? (
          <a href={`/charges/export?${filterParams}`} className="btn-secondary" download>
            {t('charges.export')}
          </a>
        ) : null}
      </div>

      <Form method="get" className="card grid gap-3 sm:grid-cols-3 lg:grid-cols-6" aria-label={t('charges.filters')}>
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
                {code === 'authentication_required' ? t('charges.authRequiredChoice') : code}
              </option>
            ))}
          </select>,
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
                {brand}
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
        <div className="flex items-end gap-2 sm:col-span-3 lg:col-span-6">
          <button type="submit" className="btn-primary">
            {t('charges.apply')}
          </button>
          <Link to="/charges" className="btn-secondary">
            {t('charges.clear')}
          </Link>
        </div>
      </Form>

      <section aria-labelledby="totals-title" className="card">
        <h2 id="totals-title" className="sr-only">
          {t('charges.totals')}
        </h2>
        <dl className="flex flex-wrap gap-x-8 gap-y-2 text-sm" data-testid="charge-totals">
          <div>
            <dt className="text-slate-600">{t('charges.count')}</dt>
            <dd className="text-lg font-semibold tabular-nums">{format.number(totals.count)}</dd>
          </div>
          {totals.byCurrency.map((c) => (
            <div key={c.currency}>
              <dt className="text-slate-600">{t('charges.volume', { currency: c.currency.toUpperCase() })}</dt>
              <dd className="text-lg font-semibold tabular-nums">
                {format.money(c.succeededAmount, c.currency)}
                {c.refundedAmount > 0 ? (
                  <span className="ml-2 text-sm font-normal text-slate-700">
                    {t('charges.refundedTotal', { amount: format.money(c.refundedAmount, c.currency) })}
                  </span>
                ) : null}
              </dd>
            </div>
          ))}
        </dl>
        {totals.capped ? <p className="mt-2 text-sm text-amber-900">{t('charges.capped')}</p> : null}
      </section>

      <DataTable caption={t('charges.caption')}>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className="table-head">
              {t('charges.when')}
            </th>
            <th scope="col" className="table-head">
              {t('invoices.number')}
            </th>
            <th scope="col" className="table-head">
              {t('invoices.customer')}
            </th>
            <th scope="col" className="table-head text-right">
              {t('invoices.amount')}
            </th>
            <th scope="col" className="table-head">
              {t('invoices.status')}
            </th>
            <th scope="col" className="table-head">
              {t('terminal.card')}
            </th>
            <th scope="col" className="table-head">
              {t('charges.code')}
            </th>
            <th scope="col" className="table-head">
              {t('charges.staff')}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {page.rows.map((row) => (
            <tr key={row.id}>
              <td className="table-cell">
                <Link to={`/charges/${row.id}`} className="text-indigo-700 hover:underline">
                  {format.dateTime(row.createdAt)}
                </Link>
              </td>
              <td className="table-cell">{row.invoiceNumber}</td>
              <td className="table-cell">{row.customerName}</td>
              <td className="table-cell text-right tabular-nums">
                {format.money(row.amount, row.currency)}
                {row.amountRefunded > 0 ? (
                  <div className="text-xs text-slate-600">{t('charges.refundedTotal', { amount: format.money(row.amountRefunded, row.currency) })}</div>
                ) : null}
              </td>
              <td className="table-cell">
                <StatusBadge status={row.status} />
                {row.disputed ? <span className="ml-1 text-xs font-semibold text-red-800">{t('charges.disputed')}</span> : null}
              </td>
              <td className="table-cell">{row.cardBrand ? `${row.cardBrand} ···· ${row.cardLast4}` : '—'}</td>
              <td className="table-cell">
                {(row.declineCode ?? row.failureCode) ? <code className="text-xs">{row.declineCode ?? row.failureCode}</code> : null}
              </td>
              <td className="table-cell">{row.staffName}</td>
            </tr>
          ))}
          {page.rows.length === 0 ? (
            <tr>
              <td colSpan={8} className="px-3 py-8 text-center text-sm text-slate-600">
                {t('charges.none')}
              </td>
            </tr>
          ) : null}
        </tbody>
      </DataTable>

      <nav aria-label={t('invoices.pagination')} className="flex justify-end gap-2">
        {page.prevCursor ? (
          <Link to={pageLink(page.prevCursor)} className="btn-secondary" rel="prev">
            {t('charges.newer')}
          </Link>
        ) : null}
        {page.nextCursor ? (
          <Link to={pageLink(page.nextCursor)} className="btn-secondary" rel="next">
            {t('charges.older')}
          </Link>
        ) : null}
      </nav>
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
