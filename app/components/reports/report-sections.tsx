import { useTranslation } from 'react-i18next';

import type { getReport } from '~/reports/reports.server';
import type { StaffOutlier } from '~/reports/staff-outliers.server';

import { useFormat } from '../use-format';
import { useLabels } from '../use-labels';

type Report = ReturnType<typeof getReport>;

/** Attempts, success rate, declines and the authentication-required share over the period. */
export function TotalsGrid({ totals }: { totals: Report['totals'] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const share = (n: number, digits?: number) => format.percent(totals.attempts ? n / totals.attempts : null, digits);
  const figures: [string, string][] = [
    [t('reports.attempts'), format.number(totals.attempts)],
    [t('reports.successRate'), share(totals.succeeded)],
    [t('reports.declines'), format.number(totals.failed)],
    [t('reports.authShare'), share(totals.authRequired, 2)],
  ];
  return (
    <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
      {figures.map(([label, value]) => (
        <div key={label} className="card">
          <dt className="text-sm text-slate-600">{label}</dt>
          <dd className="mt-1 text-2xl font-semibold tabular-nums">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Invoices first declined in the period: paid later (recovered) or not (lost), per currency. */
export function RevenueCard({ revenue }: { revenue: Report['revenue'] }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
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
            {revenue.map((r) => (
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
            {revenue.length === 0 ? (
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
  );
}

const DIMENSIONS = [
  ['country', 'reports.byCountry'],
  ['brand', 'reports.byBrand'],
  ['staff', 'reports.byStaff'],
] as const;

/** Attempts, success rate and authentication-required declines by card country, card brand and staff member. */
export function BreakdownTables({ breakdowns }: { breakdowns: Report['breakdowns'] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const labels = useLabels();
  return (
    <div className="grid gap-6 xl:grid-cols-3">
      {DIMENSIONS.map(([dimension, titleKey]) => (
        <section key={dimension} className="card" aria-labelledby={`by-${dimension}`}>
          <h2 id={`by-${dimension}`} className="mb-2 text-base font-semibold">
            {t(titleKey)}
          </h2>
          <div className="overflow-x-auto" role="region" aria-label={t(titleKey)} tabIndex={0}>
            <table className="min-w-full text-sm">
              <thead>
                <tr>
                  <th scope="col" className="table-head">
                    <span className="sr-only">{t(titleKey)}</span>
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
                {breakdowns[dimension].slice(0, 12).map((row) => (
                  <tr key={row.value}>
                    <th scope="row" className="table-cell text-left font-normal">
                      {!row.label
                        ? t('reports.unknownValue')
                        : dimension === 'country'
                          ? labels.country(row.label)
                          : dimension === 'brand'
                            ? labels.brand(row.label)
                            : row.label}
                    </th>
                    <td className="table-cell text-right tabular-nums">{format.number(row.attempts)}</td>
                    <td className="table-cell text-right tabular-nums">{format.percent(row.successRate)}</td>
                    <td className="table-cell text-right tabular-nums">{format.number(row.authRequired)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </div>
  );
}

/** Staff whose decline rate in the last 24 hours stands out from the team's. */
export function OutliersCard({ outliers }: { outliers: StaffOutlier[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
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
              {t('reports.outlier', {
                name: o.name,
                declines: o.declines,
                attempts: o.attempts,
                rate: format.percent(o.declineRate),
                team: format.percent(o.teamRate),
              })}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
