import { parseWithZod } from '@conform-to/zod';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';

import { ApprovalQueue, type QueueErrors } from '~/components/dashboard/approval-queue';
import { FinanceSummary } from '~/components/dashboard/finance-summary';
import { PausedStaff } from '~/components/dashboard/paused-staff';
import { ErrorPage } from '~/components/error-page';
import { pageTitle } from '~/components/page-title';
import { UpgradeBanner } from '~/components/upgrade-banner';
import { useFormat } from '~/components/use-format';
import { countInvoicesByStatus } from '~/invoices/invoices.server';
import { resumeCharging } from '~/payments/card-testing.server';
import { clientIp } from '~/platform/audit.server';
import { requirePermission } from '~/platform/auth.server';
import { notFound } from '~/platform/http.server';
import { getT } from '~/platform/i18n.server';
import { formatMoney } from '~/platform/money';
import { can } from '~/platform/permissions';
import { redirectWithToast } from '~/platform/toast.server';
import { approveRefundRequest, getApproval, rejectRefundRequest } from '~/refunds/refund-approvals.server';
import { REFUND_REFUSALS, rejectApprovalSchema } from '~/refunds/refund-form';
import { financeSummary, managerQueue } from '~/reports/dashboard.server';
import { getUpgradeSignal } from '~/reports/upgrade-signal-data.server';
import { USER_REFUSAL_KEYS } from '~/users/user-form';

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
    queue: can(user.role, 'refund:approve-large') && can(user.role, 'user:manage') ? managerQueue() : null,
  });
}

const IdSchema = z.coerce.number().int().positive();

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const { t, locale } = await getT(request);
  const intent = form.get('intent');
  if (intent === 'resume-charging') {
    const user = await requirePermission(request, 'user:manage');
    const userId = IdSchema.safeParse(form.get('userId'));
    if (!userId.success) return json({ queue: null, error: t('errors.badRequest.title') }, { status: 400 });
    const result = resumeCharging({ userId: userId.data }, { id: user.id, ip: clientIp(request) });
    if (!result.ok) return json({ queue: null, error: t(USER_REFUSAL_KEYS[result.reason]) }, { status: 409 });
    return redirectWithToast(request, '/dashboard', { kind: 'success', message: t('users.toast.chargingResumed') });
  }
  const user = await requirePermission(request, 'refund:approve-large');
  const actor = { id: user.id, role: user.role, ip: clientIp(request) };
  const approvalId = IdSchema.safeParse(form.get('approvalId'));
  if (!approvalId.success || (intent !== 'approve' && intent !== 'reject')) return json({ queue: null, error: t('errors.badRequest.title') }, { status: 400 });
  const currency = getApproval({ id: approvalId.data })?.currency ?? 'usd';
  const refused = ({ reason, params }: { reason: keyof typeof REFUND_REFUSALS; params?: { remaining?: number; amount?: number } }): QueueErrors => ({
    approvalId: approvalId.data,
    error: t(REFUND_REFUSALS[reason].key, {
      remaining: formatMoney(params?.remaining ?? 0, currency, locale),
      amount: formatMoney(params?.amount ?? 0, currency, locale),
    }),
  });
  if (intent === 'reject') {
    const submission = parseWithZod(form, { schema: rejectApprovalSchema(t) });
    if (submission.status !== 'success') {
      return json(
        { queue: { approvalId: approvalId.data, reason: submission.error?.reason?.[0] ?? t('approvals.errors.reason') }, error: null },
        { status: 400 },
      );
    }
    const result = rejectRefundRequest({ approvalId: approvalId.data, reason: submission.value.reason }, actor);
    if (!result.ok && result.reason === 'not_found') throw notFound();
    if (!result.ok) return json({ queue: refused(result), error: null }, { status: REFUND_REFUSALS[result.reason].status });
    return redirectWithToast(request, '/dashboard', { kind: 'success', message: t('approvals.rejected') });
  }
  const result = await approveRefundRequest({ approvalId: approvalId.data }, actor);
  if (!result.ok && result.reason === 'not_found') throw notFound();
  if (!result.ok) {
    const status = REFUND_REFUSALS[result.reason].status;
    // Approved but refused by Stripe: the request has left the queue, so the message goes at the top of the page.
    if (getApproval({ id: approvalId.data })?.status !== 'pending') return json({ queue: null, error: refused(result)?.error ?? null }, { status });
    return json({ queue: refused(result), error: null }, { status });
  }
  const amount = formatMoney(result.amount, result.currency, locale);
  return redirectWithToast(request, '/dashboard', {
    kind: 'success',
    message: t(result.status === 'succeeded' ? 'approvals.approved' : 'refundForm.pending', { amount }),
  });
}

export default function Dashboard() {
  const { user, invoiceTotals, signal, finance, queue } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  const format = useFormat();
  const open = invoiceTotals.filter((total) => total.status === 'open');
  const openCount = open.reduce((n, total) => n + total.n, 0);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">{t('dashboard.greeting', { name: user.name.split(' ')[0] })}</h1>
      {signal ? <UpgradeBanner signal={signal} /> : null}
      {actionData?.error ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {actionData.error}
        </p>
      ) : null}
      {queue ? (
        <div className="grid gap-4 xl:grid-cols-2">
          <ApprovalQueue approvals={queue.approvals} errors={actionData?.queue ?? null} />
          <PausedStaff people={queue.paused} />
        </div>
      ) : null}
      {finance ? <FinanceSummary finance={finance} /> : null}
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
