import { Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

import { DataTable } from '~/components/data-table';
import { StatusBadge } from '~/components/status-badge';
import { useFormat } from '~/components/use-format';
import { useLabels } from '~/components/use-labels';

import type { AttemptStatus, Currency } from '../../../db/schema';

type Row = {
  id: number;
  createdAt: number;
  invoiceNumber: string;
  customerName: string;
  amount: number;
  currency: Currency;
  amountRefunded: number;
  status: AttemptStatus;
  disputed: boolean;
  cardBrand: string | null;
  cardLast4: string | null;
  declineCode: string | null;
  failureCode: string | null;
  staffName: string;
};

export function ChargesTable({ rows }: { rows: Row[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const labels = useLabels();
  return (
    <DataTable caption={t('charges.caption')}>
      <thead className="bg-slate-50">
        <tr>
          <th scope="col" className="table-head">
            {t('charges.when')}
          </th>
          <th scope="col" className="table-head">
            {t('invoices.number')}
          </th>
          <th scope="col" className="table-head">
            {t('invoices.customer')}
          </th>
          <th scope="col" className="table-head text-right">
            {t('invoices.amount')}
          </th>
          <th scope="col" className="table-head">
            {t('invoices.status')}
          </th>
          <th scope="col" className="table-head">
            {t('terminal.card')}
          </th>
          <th scope="col" className="table-head">
            {t('charges.code')}
          </th>
          <th scope="col" className="table-head">
            {t('charges.staff')}
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((row) => (
          <tr key={row.id}>
            <td className="table-cell">
              <Link to={`/charges/${row.id}`} className="text-indigo-700 hover:underline">
                {format.dateTime(row.createdAt)}
              </Link>
            </td>
            <td className="table-cell">{row.invoiceNumber}</td>
            <td className="table-cell">{row.customerName}</td>
            <td className="table-cell text-right tabular-nums">
              {format.money(row.amount, row.currency)}
              {row.amountRefunded > 0 ? (
                <div className="text-xs text-slate-600">{t('charges.refundedTotal', { amount: format.money(row.amountRefunded, row.currency) })}</div>
              ) : null}
            </td>
            <td className="table-cell">
              <StatusBadge status={row.status} />
              {row.disputed ? <span className="ml-1 text-xs font-semibold text-red-800">{t('charges.disputed')}</span> : null}
            </td>
            <td className="table-cell">{row.cardBrand ? labels.card(row.cardBrand, row.cardLast4) : '—'}</td>
            <td className="table-cell">{row.declineCode || row.failureCode ? labels.decline(row) : null}</td>
            <td className="table-cell">{row.staffName}</td>
          </tr>
        ))}
        {rows.length === 0 ? (
          <tr>
            <td colSpan={8} className="px-3 py-8 text-center text-sm text-slate-600">
              {t('charges.none')}
            </td>
          </tr>
        ) : null}
      </tbody>
    </DataTable>
  );
}
