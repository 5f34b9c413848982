import { Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

import type { FinanceSummary as Summary } from '~/reports/dashboard.server';

import { useFormat } from '../use-format';

/** Today's and this week's money in, per currency, for finance and managers. */
export function FinanceSummary({ finance }: { finance: Summary }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
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
  );
}
