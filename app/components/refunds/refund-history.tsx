import { useTranslation } from 'react-i18next';

import type { ChargeDetail } from '~/charges/detail.server';
import type { listApprovalsForCharge } from '~/refunds/refund-approvals.server';

import { StatusBadge } from '../status-badge';
import { useFormat } from '../use-format';
import { useLabels } from '../use-labels';

type Approval = ReturnType<typeof listApprovalsForCharge>[number];

const APPROVAL_STATUS_KEYS = {
  pending: 'approvals.status.pending',
  approved: 'approvals.status.approved',
  rejected: 'approvals.status.rejected',
} as const;

/** Refunds on the charge, and the requests waiting for (or decided by) a manager. */
export function RefundHistory({ refunds, approvals }: { refunds: ChargeDetail['refunds']; approvals: Approval[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const labels = useLabels();
  return (
    <section className="card space-y-3" aria-labelledby="refunds-title">
      <h2 id="refunds-title" className="font-semibold">
        {t('payment.refunds')}
      </h2>
      {refunds.length === 0 ? (
        <p className="text-sm text-slate-600">{t('payment.noRefunds')}</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm" data-testid="refunds">
          {refunds.map((r) => (
            <li key={r.id} className="flex flex-wrap gap-3 py-2">
              <span className="font-medium tabular-nums">{format.money(r.amount, r.currency)}</span>
              <StatusBadge status={r.status} />
              <span>{labels.refundReason(r.reason)}</span>
              <span className="text-slate-600">{r.viaKeyed ? r.byName : t('payment.outsideKeyed')}</span>
              <span className="ml-auto text-slate-600">{format.dateTime(r.createdAt)}</span>
            </li>
          ))}
        </ul>
      )}
      {approvals.length > 0 ? (
        <div>
          <h3 className="text-sm font-semibold">{t('approvals.onCharge')}</h3>
          <ul className="divide-y divide-slate-100 text-sm" data-testid="approval-requests">
            {approvals.map((a) => (
              <li key={a.id} className="space-y-0.5 py-2">
                <p className="flex flex-wrap gap-3">
                  <span className="font-medium tabular-nums">{format.money(a.amount, a.currency)}</span>
                  <span className="font-medium">
                    {a.status === 'approved' && a.refundStatus === 'failed' ? t('approvals.status.approvedButFailed') : t(APPROVAL_STATUS_KEYS[a.status])}
                  </span>
                  <span className="ml-auto text-slate-600">{format.dateTime(a.createdAt)}</span>
                </p>
                <p className="text-slate-700">
                  {t('approvals.requestedBy', { name: a.requestedBy })}
                  {a.decidedBy && a.decidedAt ? ` · ${t('approvals.decidedBy', { name: a.decidedBy, time: format.dateTime(a.decidedAt) })}` : null}
                </p>
                {a.status === 'rejected' && a.rejectionReason ? (
                  <p className="text-red-900">{t('approvals.rejectedBecause', { reason: a.rejectionReason })}</p>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
