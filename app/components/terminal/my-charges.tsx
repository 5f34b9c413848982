import { Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

import { StatusBadge } from '~/components/status-badge';
import { useFormat } from '~/components/use-format';
import { useLabels } from '~/components/use-labels';
import type { listMyChargesToday } from '~/payments/attempts.server';

/** The person's own charges today, newest first, each a link back to its outcome. */
export function MyCharges({ charges }: { charges: ReturnType<typeof listMyChargesToday> }) {
  const { t } = useTranslation();
  const format = useFormat();
  const labels = useLabels();
  return (
    <section aria-labelledby="my-charges" className="space-y-2">
      <h2 id="my-charges" className="text-lg font-semibold">
        {t('terminal.myCharges')}
      </h2>
      {charges.length === 0 ? (
        <p className="text-sm text-slate-600">{t('terminal.noChargesToday')}</p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
          {charges.map((c) => (
            <li key={c.id} className="flex flex-wrap items-center gap-3 px-4 py-2 text-sm">
              <StatusBadge status={c.status} />
              <Link to={`?invoice=${c.invoiceId}&attempt=${c.id}`} className="font-medium text-indigo-700 hover:underline">
                {c.invoiceNumber}
              </Link>
              <span className="tabular-nums">{format.money(c.amount, c.currency)}</span>
              {c.cardLast4 ? <span>···· {c.cardLast4}</span> : null}
              {c.declineCode || c.failureCode ? <span className="text-red-900">{labels.decline(c)}</span> : null}
              <span className="ml-auto text-slate-600">{format.dateTime(c.createdAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
