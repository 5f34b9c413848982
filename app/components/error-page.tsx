import { isRouteErrorResponse, Link, useRouteError } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

const COPY: Record<number, { title: string; body: string }> = {
  400: { title: 'errors.badRequest.title', body: 'errors.badRequest.body' },
  403: { title: 'errors.forbidden.title', body: 'errors.forbidden.body' },
  404: { title: 'errors.notFound.title', body: 'errors.notFound.body' },
};
const FALLBACK = { title: 'errors.unexpected.title', body: 'errors.unexpected.body' };

/** The one error page every route uses: friendly 403 and 404, and no internals for anything else. */
export function ErrorPage() {
  const error = useRouteError();
  const { t } = useTranslation();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const copy = COPY[status] ?? FALLBACK;
  return (
    <section className="mx-auto max-w-xl py-16 text-center" aria-labelledby="error-title">
      <p className="text-sm font-semibold text-indigo-700">{status}</p>
      <h1 id="error-title" className="mt-2 text-2xl font-bold tracking-tight text-slate-900">
        {t(copy.title)}
      </h1>
      <p className="mt-3 text-slate-600">{t(copy.body)}</p>
      <Link to="/dashboard" className="btn-secondary mt-6">
        {t('errors.backToDashboard')}
      </Link>
    </section>
  );
}
