import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

import { DataTable } from '~/components/data-table';
import { ErrorPage } from '~/components/error-page';
import { pageTitle } from '~/components/page-title';
import { STATUS_LABEL_KEYS, StatusBadge } from '~/components/status-badge';
import { useFormat } from '~/components/use-format';
import { listInvoices, parseInvoiceFilter } from '~/invoices/invoices.server';
import { requirePermission } from '~/platform/auth.server';
import { can } from '~/platform/permissions';

import { INVOICE_STATUSES } from '../../db/schema';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'titles.invoices');

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'invoice:read');
  const filter = parseInvoiceFilter(new URL(request.url).searchParams);
  return json({
    ...listInvoices(filter),
    filter,
    canCreate: can(user.role, 'invoice:write'),
    canCharge: can(user.role, 'terminal:charge'),
  });
}

export default function InvoicesPage() {
  const { rows, total, page, pageCount, filter, canCreate, canCharge } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const { t } = useTranslation();
  const format = useFormat();
  const pageLink = (n: number) => {
    const next = new URLSearchParams(searchParams);
    next.set('page', String(n));
    return `?${next}`;
  };
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-bold tracking-tight">{t('nav.invoices')}</h1>
        {canCreate ? (
          <Link to="/invoices/new" className="btn-primary">
            {t('invoices.new')}
          </Link>
        ) : null}
      </div>
      <Form method="get" className="flex flex-wrap items-end gap-3" role="search">
        <div className="min-w-64 flex-1">
          <label htmlFor="q" className="field-label">
            {t('invoices.search')}
          </label>
          <input id="q" name="q" type="search" defaultValue={filter.q ?? ''} placeholder={t('invoices.searchPlaceholder')} className="field-input" />
        </div>
        <div>
          <label htmlFor="status" className="field-label">
            {t('invoices.status')}
          </label>
          <select id="status" name="status" defaultValue={filter.status ?? ''} className="field-input">
            <option value="">{t('invoices.anyStatus')}</option>
            {INVOICE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(STATUS_LABEL_KEYS[s]!)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="btn-secondary">
          {t('invoices.searchButton')}
        </button>
      </Form>
      <DataTable caption={t('invoices.caption')}>
        <thead className="bg-slate-50">
          <tr>
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
              {t('invoices.created')}
            </th>
            <th scope="col" className="table-head">
              <span className="sr-only">{t('invoices.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((invoice) => (
            <tr key={invoice.id}>
              <td className="table-cell font-medium">
                <Link to={`/invoices/${invoice.id}`} className="text-indigo-700 hover:underline">
                  {invoice.number}
                </Link>
              </td>
              <td className="table-cell">
                <div>{invoice.customerName}</div>
                {invoice.customerEmail ? <div className="text-xs text-slate-600">{invoice.customerEmail}</div> : null}
              </td>
              <td className="table-cell text-right tabular-nums">{format.money(invoice.amount, invoice.currency)}</td>
              <td className="table-cell">
                <StatusBadge status={invoice.status} />
              </td>
              <td className="table-cell">{format.date(invoice.createdAt)}</td>
              <td className="table-cell text-right">
                {canCharge && invoice.status === 'open' ? (
                  <a href={`/terminal?invoice=${invoice.id}`} className="btn-secondary py-1" aria-label={t('invoices.chargeLabel', { number: invoice.number })}>
                    {t('invoices.charge')}
                  </a>
                ) : null}
              </td>
            </tr>
          ))}
          {rows.length === 0 ? (
            <tr>
              <td colSpan={6} className="px-3 py-8 text-center text-sm text-slate-600">
                {t('invoices.noMatch')}
              </td>
            </tr>
          ) : null}
        </tbody>
      </DataTable>
      <nav aria-label={t('invoices.pagination')} className="flex items-center justify-between text-sm text-slate-700">
        <p>{t('invoices.pageSummary', { count: total, total: format.number(total), page, pageCount })}</p>
        <div className="flex gap-2">
          {page > 1 ? (
            <Link to={pageLink(page - 1)} className="btn-secondary" rel="prev">
              {t('invoices.previous')}
            </Link>
          ) : null}
          {page < pageCount ? (
            <Link to={pageLink(page + 1)} className="btn-secondary" rel="next">
              {t('invoices.next')}
            </Link>
          ) : null}
        </div>
      </nav>
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
