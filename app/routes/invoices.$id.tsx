import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

import { ErrorPage } from '~/components/error-page';
import { pageTitle } from '~/components/page-title';
import { STATUS_LABEL_KEYS, StatusBadge } from '~/components/status-badge';
import { useFormat } from '~/components/use-format';
import { useLabels } from '~/components/use-labels';
import { getInvoice, listAttemptsForInvoice, voidInvoice } from '~/invoices/invoices.server';
import { clientIp } from '~/platform/audit.server';
import { requirePermission } from '~/platform/auth.server';
import { notFound, requireIdParam } from '~/platform/http.server';
import { getT } from '~/platform/i18n.server';
import { can } from '~/platform/permissions';
import { redirectWithToast } from '~/platform/toast.server';

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, 'titles.invoice', { number: data?.invoice.number ?? '' });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'invoice:read');
  const id = requireIdParam(params.id);
  const invoice = getInvoice({ id });
  if (!invoice) throw notFound();
  return json({
    invoice,
    attempts: listAttemptsForInvoice({ invoiceId: id, viewer: user }),
    canVoid: can(user.role, 'invoice:write') && invoice.status === 'open',
    canCharge: can(user.role, 'terminal:charge') && invoice.status === 'open',
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'invoice:write');
  const id = requireIdParam(params.id);
  const { t } = await getT(request);
  const form = await request.formData();
  if (form.get('intent') !== 'void') return json({ error: t('errors.unknownAction') }, { status: 400 });
  const result = voidInvoice({ id }, { id: user.id, ip: clientIp(request) });
  if (!result.ok && result.reason === 'not_found') throw notFound();
  if (!result.ok) {
    return json({ error: t('invoice.voidNotOpen', { status: t(STATUS_LABEL_KEYS[result.status ?? 'void']!) }) }, { status: 409 });
  }
  return redirectWithToast(request, `/invoices/${id}`, { kind: 'success', message: t('invoice.voided') });
}

export default function InvoicePage() {
  const { invoice, attempts, canVoid, canCharge } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation();
  const format = useFormat();
  const labels = useLabels();
  return (
    <div className="max-w-3xl space-y-5">
      <p className="text-sm">
        <Link to="/invoices" className="text-indigo-700 hover:underline">
          ← {t('nav.invoices')}
        </Link>
      </p>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="flex items-center gap-3 text-2xl font-bold tracking-tight">
          {invoice.number} <StatusBadge status={invoice.status} />
        </h1>
        <div className="flex gap-2">
          {canCharge ? (
            <a href={`/terminal?invoice=${invoice.id}`} className="btn-primary">
              {t('terminal.chargeButton', { amount: format.money(invoice.amount, invoice.currency) })}
            </a>
          ) : null}
          {canVoid ? (
            <Form
              method="post"
              onSubmit={(event) => {
                if (!confirm(t('invoice.voidConfirm', { number: invoice.number }))) event.preventDefault();
              }}
            >
              <input type="hidden" name="intent" value="void" />
              <button type="submit" className="btn-danger" disabled={navigation.state !== 'idle'}>
                {t('invoice.void')}
              </button>
            </Form>
          ) : null}
        </div>
      </div>
      {actionData?.error ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {actionData.error}
        </p>
      ) : null}
      <dl className="card grid gap-4 sm:grid-cols-2">
        <div>
          <dt className="text-sm text-slate-600">{t('invoices.amount')}</dt>
          <dd className="text-xl font-semibold tabular-nums">{format.money(invoice.amount, invoice.currency)}</dd>
          {invoice.amountRefunded > 0 ? (
            <dd className="text-sm text-slate-700">{t('invoice.refunded', { amount: format.money(invoice.amountRefunded, invoice.currency) })}</dd>
          ) : null}
        </div>
        <div>
          <dt className="text-sm text-slate-600">{t('invoices.customer')}</dt>
          <dd className="font-medium">{invoice.customerName}</dd>
          {invoice.customerEmail ? <dd className="text-sm">{invoice.customerEmail}</dd> : null}
          {invoice.customerPhone ? <dd className="text-sm">{invoice.customerPhone}</dd> : null}
        </div>
        <div className="sm:col-span-2">
          <dt className="text-sm text-slate-600">{t('invoiceForm.description')}</dt>
          <dd className="whitespace-pre-line">{invoice.description}</dd>
        </div>
        <div>
          <dt className="text-sm text-slate-600">{t('invoices.created')}</dt>
          <dd>{format.dateTime(invoice.createdAt)}</dd>
        </div>
        {invoice.paidAt ? (
          <div>
            <dt className="text-sm text-slate-600">{t('invoice.paidAt')}</dt>
            <dd>{format.dateTime(invoice.paidAt)}</dd>
          </div>
        ) : null}
        {invoice.voidedAt ? (
          <div>
            <dt className="text-sm text-slate-600">{t('invoice.voidedAt')}</dt>
            <dd>{format.dateTime(invoice.voidedAt)}</dd>
          </div>
        ) : null}
      </dl>
      <section aria-labelledby="attempts-title" className="space-y-2">
        <h2 id="attempts-title" className="text-lg font-semibold">
          {t('invoice.attempts')}
        </h2>
        {attempts.length === 0 ? (
          <p className="text-sm text-slate-600">{t('invoice.noAttempts')}</p>
        ) : (
          <ul className="divide-y divide-slate-100 rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
            {attempts.map((attempt) => (
              <li key={attempt.id} className="flex flex-wrap items-center gap-3 px-4 py-3 text-sm">
                <StatusBadge status={attempt.status} />
                <span className="tabular-nums">{format.money(attempt.amount, attempt.currency)}</span>
                {attempt.cardBrand ? <span>{labels.card(attempt.cardBrand, attempt.cardLast4)}</span> : null}
                {attempt.declineCode || attempt.failureCode ? <span className="text-red-900">{labels.decline(attempt)}</span> : null}
                <span className="ml-auto text-slate-600">{format.dateTime(attempt.createdAt)}</span>
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
