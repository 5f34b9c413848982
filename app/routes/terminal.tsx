import { parseWithZod } from '@conform-to/zod';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSubmit } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';

import { CardForm } from '~/components/card-form';
import { ErrorPage } from '~/components/error-page';
import { pageTitle } from '~/components/page-title';
import { STATUS_LABEL_KEYS, StatusBadge } from '~/components/status-badge';
import { ChargeOutcome } from '~/components/terminal/charge-outcome';
import { MyCharges } from '~/components/terminal/my-charges';
import { useFormat } from '~/components/use-format';
import { getAttempt, getInvoiceForCharge, listChargeableInvoices, listMyChargesToday } from '~/payments/attempts.server';
import { isChargingPaused } from '~/payments/card-testing.server';
import { ATTEMPT_KEY_PATTERN, chargeInvoice, type ChargeRefusal, newAttemptKey } from '~/payments/charge-invoice.server';
import { failureMessageKey, isAuthenticationRequired } from '~/payments/decline-messages';
import { reconcileAttempt } from '~/payments/reconciler.server';
import { audit, clientIp } from '~/platform/audit.server';
import { requirePermission } from '~/platform/auth.server';
import { getEnv } from '~/platform/env.server';
import { notFound } from '~/platform/http.server';
import { getT } from '~/platform/i18n.server';
import { formatMoney } from '~/platform/money';
import { can, canSeeAttemptsOf } from '~/platform/permissions';
import { searchText } from '~/platform/search-text';
import { getStripeJsConfig } from '~/platform/stripe.server';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'titles.terminal');

const IdSchema = z.coerce.number().int().positive();

// Deliberately no amount or currency: the server charges the invoice's stored amount.
const ChargeFormSchema = z.object({
  intent: z.literal('charge'),
  invoiceId: IdSchema.describe('terminal.errors.chooseInvoice'),
  paymentMethodId: z
    .string()
    .regex(/^pm_[A-Za-z0-9_]{3,250}$/)
    .describe('terminal.errors.cardNotRead'),
  attemptKey: z.string().regex(ATTEMPT_KEY_PATTERN).describe('terminal.errors.staleForm'),
});

const CheckFormSchema = z.object({ intent: z.literal('check'), attemptId: IdSchema });

function parseOptionalId(value: string | null) {
  const parsed = IdSchema.safeParse(value);
  return value && parsed.success ? parsed.data : null;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'terminal:charge');
  const url = new URL(request.url);
  const q = searchText(url.searchParams.get('q'));
  const invoiceId = parseOptionalId(url.searchParams.get('invoice'));
  const attemptId = parseOptionalId(url.searchParams.get('attempt'));
  const invoice = invoiceId ? getInvoiceForCharge({ id: invoiceId }) : null;
  if (invoiceId && !invoice) throw notFound('Invoice not found');
  const attempt = attemptId ? getAttempt({ id: attemptId }) : null;
  // Staff see their own attempts here; finance and managers may look at anyone's.
  if (attemptId && (!attempt || attempt.invoiceId !== invoiceId || !canSeeAttemptsOf(user, attempt.userId))) {
    throw notFound('Payment attempt not found');
  }
  return json(
    {
      invoices: listChargeableInvoices({ q }),
      q: q ?? '',
      invoice,
      attempt: attempt && {
        ...attempt,
        messageKey: attempt.status === 'failed' || attempt.status === 'blocked' ? failureMessageKey(attempt) : null,
        authenticationRequired: isAuthenticationRequired(attempt),
      },
      allowedCountries: (getEnv().ALLOWED_CARD_COUNTRIES ?? []).join(', '),
      attemptKey: newAttemptKey(),
      stripeJs: getStripeJsConfig(),
      myCharges: listMyChargesToday({ userId: user.id }),
      paused: isChargingPaused({ userId: user.id }),
    },
    { headers: { 'Cache-Control': 'no-store' } },
  );
}

// How each refusal of the charge reads, and the status it answers with.
const CHARGE_REFUSALS: Record<Exclude<ChargeRefusal, 'invoice_not_found'>, { key: string; status: number }> = {
  invoice_not_open: { key: 'payment.refused.notOpen', status: 409 },
  invoice_busy: { key: 'payment.refused.busy', status: 409 },
  invoice_locked: { key: 'payment.refused.locked', status: 409 },
  staff_paused: { key: 'payment.refused.paused', status: 403 },
  below_minimum: { key: 'payment.refused.belowMinimum', status: 409 },
  stale_form: { key: 'payment.refused.staleForm', status: 409 },
};

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'terminal:charge');
  const formData = await request.formData();
  const ip = clientIp(request);
  const { t, locale } = await getT(request);

  if (formData.get('intent') === 'check') {
    const submission = parseWithZod(formData, { schema: CheckFormSchema });
    if (submission.status !== 'success') return json({ error: t('errors.badRequest.title') }, { status: 400 });
    const attempt = getAttempt({ id: submission.value.attemptId });
    if (!attempt || (attempt.userId !== user.id && !can(user.role, 'attempt:reconcile'))) throw notFound('Payment attempt not found');
    await reconcileAttempt(attempt.id);
    audit({ actorUserId: user.id, action: 'charge.check_requested', subjectType: 'payment_attempt', subjectId: attempt.id, ip });
    return redirect(`/terminal?invoice=${attempt.invoiceId}&attempt=${attempt.id}`);
  }

  const submission = parseWithZod(formData, { schema: ChargeFormSchema });
  if (submission.status !== 'success') {
    const field = Object.keys(submission.reply().error ?? {})[0] as keyof typeof ChargeFormSchema.shape | undefined;
    return json({ error: t(ChargeFormSchema.shape[field ?? 'attemptKey']?.description ?? 'errors.badRequest.title') }, { status: 400 });
  }
  const { invoiceId, paymentMethodId, attemptKey } = submission.value;
  if (formData.has('amount') || formData.has('currency')) {
    // Never used: recorded because a browser that sends an amount is either broken or tampered with.
    audit({
      actorUserId: user.id,
      action: 'charge.client_amount_ignored',
      subjectType: 'invoice',
      subjectId: invoiceId,
      ip,
      details: { amount: String(formData.get('amount') ?? '').slice(0, 40), currency: String(formData.get('currency') ?? '').slice(0, 10) },
    });
  }
  const outcome = await chargeInvoice({ invoiceId, paymentMethodId, attemptKey }, { id: user.id, ip });
  if (!outcome.ok) {
    if (outcome.reason === 'invoice_not_found') throw notFound('Invoice not found');
    const { key, status } = CHARGE_REFUSALS[outcome.reason];
    const params = { ...outcome.params };
    if (outcome.reason === 'invoice_not_open') params.status = t(STATUS_LABEL_KEYS[String(params.status)] ?? 'status.void');
    if (outcome.reason === 'below_minimum') params.minimum = formatMoney(Number(params.minimum), String(params.currency), locale);
    if (outcome.reason === 'invoice_locked') params.count = Number(params.minutes);
    return json({ error: t(key, params) }, { status });
  }
  // Post/redirect/get: the outcome lives at its own URL, so a refresh never charges again.
  return redirect(`/terminal?invoice=${invoiceId}&attempt=${outcome.attemptId}`);
}

export default function TerminalPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const { t } = useTranslation();
  const format = useFormat();
  const { invoice, attempt } = data;
  const busy = navigation.state !== 'idle' && navigation.formData?.get('intent') === 'charge';
  const canCharge = invoice?.status === 'open' && !data.paused;

  return (
    <div className="grid gap-6 lg:grid-cols-[22rem_1fr]">
      <section aria-labelledby="pick-invoice" className="space-y-3">
        <h1 id="pick-invoice" className="text-2xl font-bold tracking-tight">
          {t('nav.terminal')}
        </h1>
        <Form method="get" role="search" className="flex gap-2">
          {invoice ? <input type="hidden" name="invoice" value={invoice.id} /> : null}
          <label htmlFor="invoice-search" className="sr-only">
            {t('terminal.findInvoice')}
          </label>
          <input id="invoice-search" name="q" type="search" defaultValue={data.q} placeholder={t('terminal.findPlaceholder')} className="field-input mt-0" />
          <button type="submit" className="btn-secondary">
            {t('terminal.find')}
          </button>
        </Form>
        <nav aria-label={t('terminal.openInvoices')}>
          <ul className="max-h-[28rem] space-y-1 overflow-y-auto pr-1">
            {data.invoices.map((item) => (
              <li key={item.id}>
                <Link
                  to={`?invoice=${item.id}${data.q ? `&q=${encodeURIComponent(data.q)}` : ''}`}
                  aria-current={invoice?.id === item.id ? 'true' : undefined}
                  className={`block rounded-md px-3 py-2 text-sm ring-1 ring-inset ${invoice?.id === item.id ? 'bg-indigo-50 ring-indigo-300' : 'bg-white ring-slate-200 hover:bg-slate-50'}`}
                >
                  <span className="flex justify-between gap-2 font-medium">
                    <span>{item.number}</span>
                    <span className="tabular-nums">{format.money(item.amount, item.currency)}</span>
                  </span>
                  <span className="block truncate text-slate-600">{item.customerName}</span>
                </Link>
              </li>
            ))}
            {data.invoices.length === 0 ? <li className="px-3 py-2 text-sm text-slate-600">{t('terminal.noOpenInvoices')}</li> : null}
          </ul>
        </nav>
      </section>

      <div className="space-y-6">
        {data.paused ? (
          <p role="alert" className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-900 ring-1 ring-red-200">
            {t('terminal.pausedBanner')}
          </p>
        ) : null}
        {invoice ? (
          <section aria-labelledby="charge-title" className="card space-y-5">
            <div className="flex flex-wrap items-start justify-between gap-3">
              <div>
                <h2 id="charge-title" className="text-lg font-semibold">
                  {invoice.number} · {invoice.customerName}
                </h2>
                <p className="text-sm text-slate-700">{invoice.description}</p>
                <p className="text-sm text-slate-600">{[invoice.customerEmail, invoice.customerPhone].filter(Boolean).join(' · ')}</p>
              </div>
              <div className="text-right">
                <p className="text-sm text-slate-600">{t('terminal.amountToCharge')}</p>
                <p className="text-2xl font-semibold tabular-nums" data-testid="charge-amount">
                  {format.money(invoice.amount, invoice.currency)}
                </p>
                <StatusBadge status={invoice.status} />
              </div>
            </div>
            {attempt ? <ChargeOutcome attempt={attempt} allowedCountries={data.allowedCountries} /> : null}
            {actionData && 'error' in actionData ? (
              <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-900">
                {actionData.error}
              </p>
            ) : null}
            {canCharge ? (
              <CardForm
                key={data.attemptKey}
                config={data.stripeJs}
                amountLabel={format.money(invoice.amount, invoice.currency)}
                disabled={false}
                busy={busy}
                onPaymentMethod={(paymentMethodId) =>
                  submit({ intent: 'charge', invoiceId: String(invoice.id), paymentMethodId, attemptKey: data.attemptKey }, { method: 'post' })
                }
              />
            ) : invoice.status !== 'open' && !attempt ? (
              <p className="text-sm text-slate-700">{t('payment.refused.notOpen', { status: t(STATUS_LABEL_KEYS[invoice.status]!) })}</p>
            ) : null}
          </section>
        ) : (
          <p className="card text-slate-700">{t('terminal.chooseInvoice')}</p>
        )}
        <MyCharges charges={data.myCharges} />
      </div>
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
