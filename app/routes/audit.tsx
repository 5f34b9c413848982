import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

import { AuditFilters } from '~/components/audit/audit-filters';
import { AuditSentence } from '~/components/audit/audit-sentence';
import { DataTable } from '~/components/data-table';
import { ErrorPage } from '~/components/error-page';
import { pageTitle } from '~/components/page-title';
import { TechnicalDetails } from '~/components/technical-details';
import { useFormat } from '~/components/use-format';
import { auditFilterToSearchParams, listAuditEvents, parseAuditFilter } from '~/platform/audit-log.server';
import { requirePermission } from '~/platform/auth.server';
import { listUsers } from '~/users/users.server';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'titles.audit');

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'audit:read');
  const params = new URL(request.url).searchParams;
  const { filter, errors, beforeId } = parseAuditFilter(params);
  const hasErrors = Object.keys(errors).length > 0;
  return json(
    {
      ...listAuditEvents({ filter, beforeId }),
      errors,
      // The form shows what was typed (a bad value too, beside its error); paging links carry only the valid filter.
      submitted: new URLSearchParams([...params].filter(([name]) => ['actor', 'action', 'from', 'to'].includes(name))).toString(),
      filterParams: auditFilterToSearchParams(filter).toString(),
      paged: beforeId !== null,
      people: listUsers().map((u) => ({ id: u.id, name: u.name })),
    },
    { status: hasErrors ? 400 : 200, headers: { 'Cache-Control': 'no-store' } },
  );
}

export default function AuditPage() {
  const { events, nextBeforeId, errors, submitted, filterParams, paged, people } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const format = useFormat();
  const pageLink = (before: number | null) => {
    const next = new URLSearchParams(filterParams);
    if (before) next.set('before', String(before));
    return `?${next}`;
  };
  return (
    <div className="space-y-5">
      <h1 className="text-2xl font-bold tracking-tight">{t('nav.audit')}</h1>
      <AuditFilters key={submitted} values={new URLSearchParams(submitted)} errors={errors} people={people} />
      <DataTable caption={t('audit.caption')}>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className="table-head">
              {t('audit.when')}
            </th>
            <th scope="col" className="table-head">
              {t('audit.what')}
            </th>
            <th scope="col" className="table-head">
              {t('audit.details')}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100" data-testid="audit-events">
          {events.map((event) => (
            <tr key={event.id}>
              <td className="table-cell align-top">{format.dateTime(event.at)}</td>
              <td className="px-3 py-2 align-top text-sm text-slate-800">
                <AuditSentence event={event} />
              </td>
              <td className="px-3 py-2 align-top text-slate-700">
                <TechnicalDetails codes={[event.action, event.ip ? `IP ${event.ip}` : null]} />
              </td>
            </tr>
          ))}
          {events.length === 0 ? (
            <tr>
              <td colSpan={3} className="px-3 py-8 text-center text-sm text-slate-600">
                {t('auditLog.none')}
              </td>
            </tr>
          ) : null}
        </tbody>
      </DataTable>
      <nav aria-label={t('invoices.pagination')} className="flex justify-end gap-2">
        {paged ? (
          <Link to={pageLink(null)} className="btn-secondary">
            {t('auditLog.newest')}
          </Link>
        ) : null}
        {nextBeforeId ? (
          <Link to={pageLink(nextBeforeId)} className="btn-secondary" rel="next">
            {t('audit.older')}
          </Link>
        ) : null}
      </nav>
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
