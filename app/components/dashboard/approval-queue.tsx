import { Form, Link, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

import type { listPendingApprovals } from '~/refunds/refund-approvals.server';

import { useFormat } from '../use-format';
import { useLabels } from '../use-labels';

type PendingApproval = ReturnType<typeof listPendingApprovals>[number];
export type QueueErrors = { approvalId: number; error?: string; reason?: string } | null;

/** The manager's queue of refunds waiting for approval: approve (the refund is sent) or reject with a reason. */
export function ApprovalQueue({ approvals, errors }: { approvals: PendingApproval[]; errors: QueueErrors }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="approvals-title" className="card space-y-3" data-testid="approval-queue">
      <h2 id="approvals-title" className="text-lg font-semibold">
        {t('approvals.queueTitle', { count: approvals.length })}
      </h2>
      {approvals.length === 0 ? (
        <p className="text-sm text-slate-600">{t('approvals.queueEmpty')}</p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {approvals.map((approval) => (
            <ApprovalItem key={approval.id} approval={approval} errors={errors?.approvalId === approval.id ? errors : null} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ApprovalItem({ approval: a, errors }: { approval: PendingApproval; errors: QueueErrors }) {
  const { t } = useTranslation();
  const format = useFormat();
  const labels = useLabels();
  const navigation = useNavigation();
  const busy = navigation.state !== 'idle' && navigation.formData?.get('approvalId') === String(a.id);
  const amount = format.money(a.amount, a.currency);
  const reasonId = `reject-reason-${a.id}`;
  return (
    <li className="space-y-2 py-3" data-testid={`approval-${a.id}`}>
      <h3 id={`approval-title-${a.id}`} className="font-medium">
        {t('approvals.item', { amount, invoice: a.invoiceNumber, customer: a.customerName })}
      </h3>
      <p className="text-sm text-slate-700">
        {t('approvals.details', {
          name: a.requestedBy,
          time: format.dateTime(a.createdAt),
          card: labels.card(a.cardBrand, a.cardLast4),
          charge: format.money(a.chargeAmount, a.currency),
        })}
      </p>
      {a.reason ? <p className="text-sm text-slate-700">{t('labels.reason', { reason: labels.refundReason(a.reason) })}</p> : null}
      {a.note ? <p className="rounded bg-slate-50 px-3 py-2 text-sm text-slate-800">{t('approvals.note', { note: a.note })}</p> : null}
      <p className="text-sm">
        <Link to={`/charges/${a.attemptId}`} className="text-indigo-700 underline">
          {t('approvals.openCharge')}
        </Link>
      </p>
      {errors?.error ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {errors.error}
        </p>
      ) : null}
      <div className="flex flex-wrap items-start gap-4">
        <Form method="post" className="mt-6">
          <input type="hidden" name="approvalId" value={a.id} />
          <button type="submit" name="intent" value="approve" className="btn-primary" disabled={busy}>
            {t('approvals.approve', { amount })}
          </button>
        </Form>
        <Form method="post" className="flex flex-wrap items-start gap-2">
          <input type="hidden" name="approvalId" value={a.id} />
          <div className="min-w-[16rem]">
            <label htmlFor={reasonId} className="field-label">
              {t('approvals.rejectReason')}
            </label>
            <input
              id={reasonId}
              name="reason"
              maxLength={500}
              className="field-input"
              aria-invalid={errors?.reason ? true : undefined}
              aria-describedby={`${reasonId}-error`}
            />
            <p id={`${reasonId}-error`} className="field-error">
              {errors?.reason}
            </p>
          </div>
          <button type="submit" name="intent" value="reject" className="btn-secondary mt-6" disabled={busy}>
            {t('approvals.reject')}
          </button>
        </Form>
      </div>
    </li>
  );
}
