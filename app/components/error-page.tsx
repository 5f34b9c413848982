import { Link, isRouteErrorResponse, useRouteError } from '@remix-run/react';

const COPY: Record<number, { title: string; body: string }> = {
  400: { title: 'That request was not valid', body: 'Check what you entered and try again.' },
  403: { title: 'You do not have access to this page', body: 'Your role does not include it. Ask a manager if you need it.' },
  404: { title: 'We could not find that', body: 'It may have been removed, or the link may be wrong.' },
};

/** The one error page every route uses: friendly 403 and 404, and no internals for anything else. */
export function ErrorPage() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const copy = COPY[status] ?? { title: 'Something went wrong', body: 'The problem has been logged. Try again in a moment.' };
  return (
    <section className="mx-auto max-w-xl py-16 text-center" aria-labelledby="error-title">
      <p className="text-sm font-semibold text-indigo-600">{status}</p>
      <h1 id="error-title" className="mt-2 text-2xl font-bold tracking-tight text-slate-900">
        {copy.title}
      </h1>
      <p className="mt-3 text-slate-600">{copy.body}</p>
      <Link to="/dashboard" className="btn-secondary mt-6">
        Back to the dashboard
      </Link>
    </section>
  );
}
