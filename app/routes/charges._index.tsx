import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

import { chargeFilterToSearchParams, parseChargeFilter } from '~/charges/filter.server';
import { listCharges } from '~/charges/list.server';
import { chargeTotals } from '~/charges/totals.server';
import { ChargeFilters } from '~/components/charges/charge-filters';
import { ChargeTotalsPanel } from '~/components/charges/charge-totals';
import { ChargesTable } from '~/components/charges/charges-table';
import { ErrorPage } from '~/components/error-page';
import { pageTitle } from '~/components/page-title';
import { requirePermission } from '~/platform/auth.server';
import { can } from '~/platform/permissions';
import { listUsers } from '~/users/users.server';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'titles.charges');

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
  const pageLink = (cursor: string) => {
    const next = new URLSearchParams(filterParams);
    next.set('cursor', cursor);
    return `?${next}`;
  };
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
      <ChargeFilters filterParams={filterParams} errors={errors} staff={staff} />
      <ChargeTotalsPanel totals={totals} />
      <ChargesTable rows={page.rows} />
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
