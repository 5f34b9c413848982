import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { ErrorPage } from '~/components/error-page';
import { formatDateTime } from '~/components/format';
import { requirePermission } from '~/auth.server';
import { listAuditEvents } from '~/audit.server';

export const meta: MetaFunction = () => [{ title: 'Audit log · Keyed' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'audit:read');
  const before = Number.parseInt(new URL(request.url).searchParams.get('before') ?? '', 10);
  return json(listAuditEvents({ beforeId: Number.isSafeInteger(before) && before > 0 ? before : undefined }));
}

export default function AuditPage() {
  const { events, nextBeforeId } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-5">
      <h1 className="text-2xl font-bold tracking-tight">Audit log</h1>
      <div className="overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
        <table className="min-w-full divide-y divide-slate-200">
          <caption className="sr-only">Audit events, newest first</caption>
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className="table-head">When</th>
              <th scope="col" className="table-head">Who</th>
              <th scope="col" className="table-head">What</th>
              <th scope="col" className="table-head">Subject</th>
              <th scope="col" className="table-head">Details</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {events.map((event) => (
              <tr key={event.id}>
                <td className="table-cell">{formatDateTime(event.at)}</td>
                <td className="table-cell">{event.actorEmail ?? '—'}</td>
                <td className="table-cell"><code className="text-xs">{event.action}</code></td>
                <td className="table-cell">{event.subjectType ? `${event.subjectType} ${event.subjectId}` : '—'}</td>
                <td className="max-w-md truncate px-3 py-2 text-xs text-slate-700">{event.details ? JSON.stringify(event.details) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {nextBeforeId ? (
        <Link to={`?before=${nextBeforeId}`} className="btn-secondary">
          Older events
        </Link>
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
