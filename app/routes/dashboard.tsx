import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

import { ErrorPage } from '~/components/error-page';
import { pageTitle } from '~/components/page-title';
import { UpgradeBanner } from '~/components/upgrade-banner';
import { useFormat } from '~/components/use-format';
import { countInvoicesByStatus } from '~/invoices/invoices.server';
import { requirePermission } from '~/platform/auth.server';
import { can } from '~/platform/permissions';
import { financeSummary } from '~/reports/dashboard.server';
import { getUpgradeSignal } from '~/reports/upgrade-signal-data.server';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'titles.dashboard');

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'dashboard:view');
  // Managers see the upgrade signal here too, so a rise in authentication-required declines is not missed.
  const signal = can(user.role, 'report:view') ? getUpgradeSignal() : null;
  return json({
    user: { name: user.name, role: user.role },
    invoiceTotals: countInvoicesByStatus(),
    signal: signal?.on ? signal : null,
    finance: can(user.role, 'charge:read') ? financeSummary() : null,
  });
}

export default function Dashboard() {
  const { user, invoiceTotals, signal, finance } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const format = useFormat();
  const open = invoiceTotals.filter((total) => total.status === 'open');
  const openCount = open.reduce((n, total) => n + total.n, 0);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">{t('dashboard.greeting', { name: user.name.split(' ')[0] })}</h1>
      {signal ? <UpgradeBanner signal={signal} /> : null}
      {finance ? (
        <section aria-labelledby="money-title" className="grid gap-4 sm:grid-cols-2" data-testid="finance-summary">
          <h2 id="money-title" className="sr-only">
            {t('dashboard.money')}
          </h2>
          {(
            [
              ['today', t('dashboard.today'), finance.today],
              ['week', t('dashboard.week'), finance.week],
            ] as const
          ).map(([key, label, figures]) => (
            <div key={key} className="card">
              <h3 className="text-sm font-medium text-slate-600">{label}</h3>
              {figures.length === 0 ? <p className="mt-1 text-sm text-slate-600">{t('dashboard.noCharges')}</p> : null}
              <ul className="mt-1 space-y-1 text-sm">
                {figures.map((f) => (
                  <li key={f.currency}>
                    <span className="text-lg font-semibold tabular-nums">{format.money(f.volume, f.currency)}</span>{' '}
                    {t('dashboard.figures', {
                      succeeded: format.number(f.succeeded),
                      refunded: format.money(f.refunded, f.currency),
                      failures: format.number(f.failures),
                    })}
                  </li>
                ))}
              </ul>
              <Link
                to={`/charges?from=${new Date(key === 'today' ? finance.since.today : finance.since.week).toISOString().slice(0, 10)}`}
                className="mt-2 inline-block text-sm text-indigo-700 hover:underline"
              >
                {t('dashboard.seeCharges')}
              </Link>
            </div>
          ))}
        </section>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        <section className="card" aria-labelledby="open-invoices">
          <h2 id="open-invoices" className="text-sm font-medium text-slate-600">
            {t('dashboard.openInvoices')}
          </h2>
          <p className="mt-1 text-3xl font-semibold">{format.number(openCount)}</p>
          <ul className="mt-1 text-sm text-slate-700">
            {open.map((total) => (
              <li key={total.currency}>{t('dashboard.due', { amount: format.money(total.amount, total.currency) })}</li>
            ))}
          </ul>
        </section>
        {can(user.role, 'terminal:charge') ? (
          <section className="card" aria-labelledby="take-payment">
            <h2 id="take-payment" className="text-sm font-medium text-slate-600">
              {t('dashboard.takePayment')}
            </h2>
            <p className="mt-1 text-sm text-slate-700">{t('dashboard.takePaymentBody')}</p>
            <a href="/terminal" className="btn-primary mt-3">
              {t('dashboard.openTerminal')}
            </a>
          </section>
        ) : null}
        {can(user.role, 'invoice:write') ? (
          <section className="card" aria-labelledby="new-invoice">
            <h2 id="new-invoice" className="text-sm font-medium text-slate-600">
              {t('nav.invoices')}
            </h2>
            <p className="mt-1 text-sm text-slate-700">{t('dashboard.newInvoiceBody')}</p>
            <Link to="/invoices/new" className="btn-secondary mt-3">
              {t('invoices.new')}
            </Link>
          </section>
        ) : null}
        {can(user.role, 'user:manage') ? (
          <section className="card" aria-labelledby="team">
            <h2 id="team" className="text-sm font-medium text-slate-600">
              {t('dashboard.team')}
            </h2>
            <p className="mt-1 text-sm text-slate-700">{t('dashboard.teamBody')}</p>
            <Link to="/settings/users" className="btn-secondary mt-3">
              {t('dashboard.manageUsers')}
            </Link>
          </section>
        ) : null}
      </div>
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
