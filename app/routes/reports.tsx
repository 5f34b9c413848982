import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useLoaderData } from '@remix-run/react';
import { type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { ErrorPage } from '~/components/error-page';
import { pageTitle } from '~/components/page-title';
import { AttemptsChart, AuthRequiredChart, DeclinesChart } from '~/components/report-charts';
import { UpgradeBanner } from '~/components/upgrade-banner';
import { useFormat } from '~/components/use-format';
import { useHydrated } from '~/components/use-hydrated';
import { requirePermission } from '~/platform/auth.server';
import { RANGE_PRESETS } from '~/reports/report-range';
import { getReport, getUpgradeSignal, listStaffDeclineOutliers, parseReportRange } from '~/reports/reports.server';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'titles.reports');

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'report:view');
  const { range, errors } = parseReportRange(new URL(request.url).searchParams);
  return json({ report: getReport(range), errors, signal: getUpgradeSignal(), outliers: listStaffDeclineOutliers() });
}

function ChartCard({ id, title, children, table }: { id: string; title: string; children: ReactNode; table: ReactNode }) {
  const { t } = useTranslation();
  // Charts measure the browser window, so they render after hydration; the tables below carry the same data.
  const hydrated = useHydrated();
  return (
    <section className="card space-y-3" aria-labelledby={id}>
      <h2 id={id} className="text-base font-semibold">
        {title}
      </h2>
      <div className="min-h-[260px]" data-testid={`${id}-chart`}>
        {hydrated ? children : null}
      </div>
      <details>
        <summary className="cursor-pointer text-sm text-indigo-700">{t('reports.showData')}</summary>
        <div className="mt-2 max-h-72 overflow-auto" role="region" aria-label={title} tabIndex={0}>
          {table}
        </div>
      </details>
    </section>
  );
}

export default function ReportsPage() {
  const { report, errors, signal, outliers } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const format = useFormat();
  const percent = (v: number | null, digits = 1) =>
    v === null ? '—' : new Intl.NumberFormat(format.locale === 'fr-CA' ? 'fr-CA' : 'en-US', { style: 'percent', maximumFractionDigits: digits }).format(v);
  const { range, daily, totals } = report;
  const dailyTable = (columns: [string, (d: (typeof daily)[number]) => ReactNode][]) => (
    <table className="min-w-full text-sm">
      <thead>
        <tr>
          <th scope="col" className="table-head">
            {t('reports.day')}
          </th>
          {columns.map(([label]) => (
            <th key={label} scope="col" className="table-head text-right">
              {label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {daily.map((d) => (
          <tr key={d.day}>
            <th scope="row" className="table-cell text-left font-normal">
              {format.date(Date.parse(`${d.day}T00:00:00Z`))}
            </th>
            {columns.map(([label, value]) => (
              <td key={label} className="table-cell text-right tabular-nums">
                {value(d)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <h1 className="text-2xl font-bold tracking-tight">{t('nav.reports')}</h1>
        <Form method="get" className="flex flex-wrap items-end gap-3" aria-label={t('reports.rangeLabel')}>
          <div>
            <label htmlFor="range" className="field-label">
              {t('reports.range')}
            </label>
            <select id="range" name="range" defaultValue={String(range.preset)} className="field-input">
              {RANGE_PRESETS.map((days) => (
                <option key={days} value={days}>
                  {t('reports.lastDays', { count: days })}
                </option>
              ))}
              <option value="custom">{t('reports.custom')}</option>
            </select>
          </div>
          <div>
            <label htmlFor="from" className="field-label">
              {t('reports.from')}
            </label>
            <input
              id="from"
              name="from"
              type="date"
              defaultValue={range.from}
              className="field-input"
              aria-invalid={errors.from ? true : undefined}
              aria-describedby="from-error"
            />
            <p id="from-error" className="field-error">
              {errors.from ? t(errors.from) : null}
            </p>
          </div>
          <div>
            <label htmlFor="to" className="field-label">
              {t('reports.to')}
            </label>
            <input
              id="to"
              name="to"
              type="date"
              defaultValue={range.to}
              className="field-input"
              aria-invalid={errors.to ? true : undefined}
              aria-describedby="to-error"
            />
            <p id="to-error" className="field-error">
              {errors.to ? t(errors.to) : null}
            </p>
          </div>
          <button type="submit" className="btn-secondary mb-6">
            {t('reports.apply')}
          </button>
        </Form>
      </div>

      {signal.on ? (
        <UpgradeBanner signal={signal} />
      ) : (
        <p className="rounded-md bg-emerald-50 px-4 py-3 text-sm text-emerald-900 ring-1 ring-emerald-200" data-testid="signal-off">
          {t('reports.signalOff', { share: percent(signal.window.share), threshold: percent(signal.threshold) })}
        </p>
      )}

      <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {[
          [t('reports.attempts'), format.number(totals.attempts)],
          [t('reports.successRate'), percent(totals.attempts ? totals.succeeded / totals.attempts : null)],
          [t('reports.declines'), format.number(totals.failed)],
          [t('reports.authShare'), percent(totals.attempts ? totals.authRequired / totals.attempts : null, 2)],
        ].map(([label, value]) => (
          <div key={label} className="card">
            <dt className="text-sm text-slate-600">{label}</dt>
            <dd className="mt-1 text-2xl font-semibold tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>

      <div className="grid gap-6 xl:grid-cols-2">
        <ChartCard
          id="attempts"
          title={t('reports.attemptsChart')}
          table={dailyTable([
            [t('reports.attempts'), (d) => format.number(d.attempts)],
            [t('reports.successRate'), (d) => percent(d.successRate)],
          ])}
        >
          <AttemptsChart data={daily} />
        </ChartCard>
        <ChartCard
          id="declines"
          title={t('reports.declinesChart')}
          table={dailyTable(report.codes.map((code) => [code === 'other' ? t('reports.otherCodes') : code, (d) => format.number(d.declines[code] ?? 0)]))}
        >
          <DeclinesChart data={daily} codes={report.codes} />
        </ChartCard>
        <ChartCard
          id="auth"
          title={t('reports.authChart')}
          table={dailyTable([
            [t('reports.authCount'), (d) => format.number(d.authRequired)],
            [t('reports.authShare'), (d) => percent(d.authShare, 2)],
            [t('reports.baseline'), (d) => percent(d.baselineShare, 2)],
          ])}
        >
          <AuthRequiredChart data={daily} thresholdShare={report.thresholdShare} />
        </ChartCard>
        <section className="card space-y-3" aria-labelledby="revenue">
          <h2 id="revenue" className="text-base font-semibold">
            {t('reports.revenueTitle')}
          </h2>
          <p className="text-sm text-slate-600">{t('reports.revenueHelp')}</p>
          <div className="overflow-x-auto" role="region" aria-label={t('reports.revenueTitle')} tabIndex={0}>
            <table className="min-w-full text-sm">
              <thead>
                <tr>
                  <th scope="col" className="table-head">
                    {t('reports.currency')}
                  </th>
                  <th scope="col" className="table-head text-right">
                    {t('reports.lost')}
                  </th>
                  <th scope="col" className="table-head text-right">
                    {t('reports.recovered')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {report.revenue.map((r) => (
                  <tr key={r.currency}>
                    <th scope="row" className="table-cell text-left">
                      {r.currency.toUpperCase()}
                    </th>
                    <td className="table-cell text-right tabular-nums" data-testid={`lost-${r.currency}`}>
                      {format.money(r.lostAmount, r.currency)} <span className="text-slate-600">({t('reports.invoices', { count: r.lostInvoices })})</span>
                    </td>
                    <td className="table-cell text-right tabular-nums">
                      {format.money(r.recoveredAmount, r.currency)}{' '}
                      <span className="text-slate-600">({t('reports.invoices', { count: r.recoveredInvoices })})</span>
                    </td>
                  </tr>
                ))}
                {report.revenue.length === 0 ? (
                  <tr>
                    <td colSpan={3} className="table-cell text-slate-600">
                      {t('reports.noDeclines')}
                    </td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          </div>
        </section>
      </div>

      <div className="grid gap-6 xl:grid-cols-3">
        {(
          [
            ['country', t('reports.byCountry')],
            ['brand', t('reports.byBrand')],
            ['staff', t('reports.byStaff')],
          ] as const
        ).map(([dimension, title]) => (
          <section key={dimension} className="card" aria-labelledby={`by-${dimension}`}>
            <h2 id={`by-${dimension}`} className="mb-2 text-base font-semibold">
              {title}
            </h2>
            <div className="overflow-x-auto" role="region" aria-label={title} tabIndex={0}>
              <table className="min-w-full text-sm">
                <thead>
                  <tr>
                    <th scope="col" className="table-head">
                      <span className="sr-only">{title}</span>
                    </th>
                    <th scope="col" className="table-head text-right">
                      {t('reports.attempts')}
                    </th>
                    <th scope="col" className="table-head text-right">
                      {t('reports.successRate')}
                    </th>
                    <th scope="col" className="table-head text-right">
                      {t('reports.authCountShort')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {report.breakdowns[dimension].slice(0, 12).map((row) => (
                    <tr key={row.value}>
                      <th scope="row" className="table-cell text-left font-normal">
                        {row.label || t('reports.unknownValue')}
                      </th>
                      <td className="table-cell text-right tabular-nums">{format.number(row.attempts)}</td>
                      <td className="table-cell text-right tabular-nums">{percent(row.successRate)}</td>
                      <td className="table-cell text-right tabular-nums">{format.number(row.authRequired)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        ))}
      </div>

      <section className="card" aria-labelledby="outliers">
        <h2 id="outliers" className="text-base font-semibold">
          {t('reports.outliersTitle')}
        </h2>
        {outliers.length === 0 ? (
          <p className="mt-1 text-sm text-slate-600">{t('reports.noOutliers')}</p>
        ) : (
          <ul className="mt-2 space-y-1 text-sm" data-testid="outliers">
            {outliers.map((o) => (
              <li key={o.userId}>
                {t('reports.outlier', { name: o.name, declines: o.declines, attempts: o.attempts, rate: percent(o.declineRate), team: percent(o.teamRate) })}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
