import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

import { DataTable } from '~/components/data-table';
import { ErrorPage } from '~/components/error-page';
import { pageTitle } from '~/components/page-title';
import { useFormat } from '~/components/use-format';
import { listAuditEvents } from '~/platform/audit.server';
import { requirePermission } from '~/platform/auth.server';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'titles.audit');

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'audit:read');
  const before = Number.parseInt(new URL(request.url).searchParams.get('before') ?? '', 10);
  return json(listAuditEvents({ beforeId: Number.isSafeInteger(before) && before > 0 ? before : undefined }));
}

export default function AuditPage() {
  const { events, nextBeforeId } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <div className="space-y-5">
      <h1 className="text-2xl font-bold tracking-tight">{t('nav.audit')}</h1>
      <DataTable caption={t('audit.caption')}>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className="table-head">
              {t('audit.when')}
            </th>
            <th scope="col" className="table-head">
              {t('audit.who')}
            </th>
            <th scope="col" className="table-head">
              {t('audit.what')}
            </th>
            <th scope="col" className="table-head">
              {t('audit.subject')}
            </th>
            <th scope="col" className="table-head">
              {t('audit.details')}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {events.map((event) => (
            <tr key={event.id}>
              <td className="table-cell">{format.dateTime(event.at)}</td>
              <td className="table-cell">{event.actorEmail ?? '—'}</td>
              <td className="table-cell">
                <code className="text-xs">{event.action}</code>
              </td>
              <td className="table-cell">{event.subjectType ? `${event.subjectType} ${event.subjectId}` : '—'}</td>
              <td className="max-w-md truncate px-3 py-2 text-xs text-slate-700">{event.details ? JSON.stringify(event.details) : ''}</td>
            </tr>
          ))}
        </tbody>
      </DataTable>
      {nextBeforeId ? (
        <Link to={`?before=${nextBeforeId}`} className="btn-secondary">
          {t('audit.older')}
        </Link>
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
