import { type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { useFormat } from '../use-format';
import { useHydrated } from '../use-hydrated';

/** A chart with its data as a table underneath, for screen readers and for anyone who wants the numbers. */
export function ChartCard({ id, title, help, children, table }: { id: string; title: string; help?: string; children: ReactNode; table: ReactNode }) {
  const { t } = useTranslation();
  // Charts measure the browser window, so they render after hydration; the tables below carry the same data.
  const hydrated = useHydrated();
  return (
    <section className="card space-y-3" aria-labelledby={id}>
      <h2 id={id} className="text-base font-semibold">
        {title}
      </h2>
      {help ? <p className="text-sm text-slate-600">{help}</p> : null}
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

export type Column<Row> = [label: string, value: (row: Row) => ReactNode];

/** One row per day, one column per series. */
export function DailyTable<Row extends { day: string }>({ rows, columns }: { rows: Row[]; columns: Column<Row>[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
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
        {rows.map((row) => (
          <tr key={row.day}>
            <th scope="row" className="table-cell text-left font-normal">
              {format.day(row.day)}
            </th>
            {columns.map(([label, value]) => (
              <td key={label} className="table-cell text-right tabular-nums">
                {value(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
