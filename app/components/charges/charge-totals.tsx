import { useTranslation } from 'react-i18next';

import { useFormat } from '~/components/use-format';

import type { Currency } from '../../../db/schema';

type Totals = {
  count: number;
  capped: boolean;
  byCurrency: { currency: Currency; succeededAmount: number; refundedAmount: number }[];
};

/** Count and volume of the filtered charges, per currency (never summed across currencies). */
export function ChargeTotalsPanel({ totals }: { totals: Totals }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <section aria-labelledby="totals-title" className="card">
      <h2 id="totals-title" className="sr-only">
        {t('charges.totals')}
      </h2>
      <dl className="flex flex-wrap gap-x-8 gap-y-2 text-sm" data-testid="charge-totals">
        <div>
          <dt className="text-slate-600">{t('charges.count')}</dt>
          <dd className="text-lg font-semibold tabular-nums">{format.number(totals.count)}</dd>
        </div>
        {totals.byCurrency.map((c) => (
          <div key={c.currency}>
            <dt className="text-slate-600">{t('charges.volume', { currency: c.currency.toUpperCase() })}</dt>
            <dd className="text-lg font-semibold tabular-nums">
              {format.money(c.succeededAmount, c.currency)}
              {c.refundedAmount > 0 ? (
                <span className="ml-2 text-sm font-normal text-slate-700">
                  {t('charges.refundedTotal', { amount: format.money(c.refundedAmount, c.currency) })}
                </span>
              ) : null}
            </dd>
          </div>
        ))}
      </dl>
      {totals.capped ? <p className="mt-2 text-sm text-amber-900">{t('charges.capped')}</p> : null}
    </section>
  );
}
