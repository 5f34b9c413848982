import { parseWithZod } from '@conform-to/zod';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';

import { getChargeDetail } from '~/charges/detail.server';
import { ChargeFacts, ChargeFailure, ChargeTimeline, RefundList } from '~/components/charges/charge-detail';
import { ErrorPage } from '~/components/error-page';
import { pageTitle } from '~/components/page-title';
import { RefundForm } from '~/components/refunds/refund-form';
import { StatusBadge } from '~/components/status-badge';
import { useFormat } from '~/components/use-format';
import { failureMessageKey } from '~/payments/decline-messages';
import { reconcileAttempt } from '~/payments/reconciler.server';
import { audit, clientIp } from '~/platform/audit.server';
import { requirePermission } from '~/platform/auth.server';
import { getEnv } from '~/platform/env.server';
import { notFound, requireIdParam } from '~/platform/http.server';
import { getT } from '~/platform/i18n.server';
import { formatMoney, parseAmount } from '~/platform/money';
import { can } from '~/platform/permissions';
import { redirectWithToast } from '~/platform/toast.server';
import { newRefundKey, REFUND_KEY_PATTERN, refundCharge, type RefundRefusal } from '~/refunds/refund-charge.server';
import { REFUND_REASONS } from '~/refunds/refund-reasons';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'titles.charge');

/** How each refusal of a refund reads, and the status it answers with. */
export const REFUND_REFUSALS: Record<RefundRefusal, { key: string; status: number }> = {
  forbidden: { key: 'errors.forbidden.title', status: 403 },
  not_found: { key: 'errors.notFound.title', status: 404 },
  not_refundable: { key: 'refundForm.errors.notRefundable', status: 409 },
  disputed: { key: 'refundForm.errors.disputed', status: 409 },
  invalid_amount: { key: 'refundForm.errors.amount', status: 400 },
  exceeds_remaining: { key: 'refundForm.errors.exceedsRemaining', status: 400 },
  needs_manager: { key: 'refundForm.errors.needsManager', status: 403 },
  key_reused: { key: 'refundForm.errors.staleForm', status: 409 },
  stripe_declined: { key: 'refundForm.errors.stripeDeclined', status: 502 },
};

/** Amount in the page's locale; empty means "everything that remains". */
function refundFormSchema({ t, locale }: { t: TFunction; locale: string }) {
  return z.object({
    intent: z.literal('refund'),
    idempotencyKey: z.string().regex(REFUND_KEY_PATTERN, t('refundForm.errors.staleForm')),
    reason: z.enum(REFUND_REASONS, { errorMap: () => ({ message: t('refundForm.errors.reason') }) }),
    amount: z
      .string()
      .optional()
      .transform((text, ctx) => {
        if (!text?.trim()) return undefined;
        const parsed = parseAmount(text, locale);
        if (parsed.ok && parsed.minor > 0) return parsed.minor;
        ctx.addIssue({ code: 'custom', message: t('refundForm.errors.amount') });
        return z.NEVER;
      }),
  });
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'charge:read');
  const detail = getChargeDetail({ id: requireIdParam(params.id) });
  if (!detail) throw notFound();
  const { charge } = detail;
  return json({
    ...detail,
    messageKey: charge.status === 'failed' || charge.status === 'blocked' ? failureMessageKey(charge) : null,
    allowedCountries: (getEnv().ALLOWED_CARD_COUNTRIES ?? []).join(', '),
    canCheck: can(user.role, 'attempt:reconcile') && (charge.status === 'pending' || charge.status === 'unknown'),
    // A fresh key per page view: resubmitting this form is the same refund, never a second one.
    refund: can(user.role, 'refund:create') && charge.refundableAmount > 0 ? { key: newRefundKey() } : null,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await request.formData();
  if (form.get('intent') === 'refund') return refundAction(request, params.id, form);
  const user = await requirePermission(request, 'attempt:reconcile');
  const id = requireIdParam(params.id);
  const { t } = await getT(request);
  if (form.get('intent') !== 'check') return json({ error: t('errors.unknownAction') }, { status: 400 });
  if (!getChargeDetail({ id })) throw notFound();
  const status = await reconcileAttempt(id);
  audit({ actorUserId: user.id, action: 'charge.check_requested', subjectType: 'payment_attempt', subjectId: id, ip: clientIp(request) });
  const settled = status !== 'pending' && status !== 'unknown';
  return redirectWithToast(request, `/charges/${id}`, {
    kind: settled ? 'success' : 'info',
    message: settled ? t('payment.checkSettled') : t('payment.checkPending'),
  });
}

async function refundAction(request: Request, idParam: string | undefined, form: FormData) {
  const user = await requirePermission(request, 'refund:create');
  const id = requireIdParam(idParam);
  const { t, locale } = await getT(request);
  const submission = parseWithZod(form, { schema: refundFormSchema({ t, locale }) });
  if (submission.status !== 'success') return json({ error: null, fieldErrors: submission.reply().error ?? {} }, { status: 400 });
  const { amount, reason, idempotencyKey } = submission.value;
  const result = await refundCharge({ attemptId: id, amount, reason, idempotencyKey }, { id: user.id, role: user.role, ip: clientIp(request) });
  if (!result.ok) {
    if (result.reason === 'not_found') throw notFound();
    const currency = getChargeDetail({ id })?.charge.currency ?? 'usd';
    const { remaining, threshold } = result.params ?? {};
    const params = {
      remaining: remaining === undefined ? '' : formatMoney(remaining, currency, locale),
      threshold: threshold === undefined ? '' : formatMoney(threshold, currency, locale),
    };
    const { key, status } = REFUND_REFUSALS[result.reason];
    return json({ error: t(key, params), fieldErrors: {} }, { status });
  }
  const message = result.status === 'succeeded' ? 'refundForm.done' : 'refundForm.pending';
  return redirectWithToast(request, `/charges/${id}`, {
    kind: 'success',
    message: t(message, { amount: formatMoney(result.amount, result.currency, locale) }),
  });
}

export default function ChargePage() {
  const { charge, keyedBy, invoice, refunds, links, timeline, messageKey, allowedCountries, canCheck, refund } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <div className="max-w-4xl space-y-5">
      <p className="text-sm">
        <Link to="/charges" className="text-indigo-700 hover:underline">
          ← {t('nav.charges')}
        </Link>
      </p>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="flex items-center gap-3 text-2xl font-bold tracking-tight">
          <span className="tabular-nums">{format.money(charge.amount, charge.currency)}</span> <StatusBadge status={charge.status} />
        </h1>
        {canCheck ? (
          <Form method="post">
            <input type="hidden" name="intent" value="check" />
            <button type="submit" className="btn-secondary" disabled={navigation.state !== 'idle'}>
              {t('terminal.checkNow')}
            </button>
          </Form>
        ) : null}
      </div>
      {actionData?.error ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {actionData.error}
        </p>
      ) : null}
      {refund ? (
        <RefundForm
          refundKey={refund.key}
          remaining={charge.refundableAmount}
          currency={charge.currency}
          fieldErrors={(actionData && 'fieldErrors' in actionData ? actionData.fieldErrors : {}) as Record<string, string[]>}
        />
      ) : null}
      {charge.needsAttentionAt ? (
        <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-950 ring-1 ring-amber-200">
          {charge.attentionReason === 'webhook_mismatch' ? t('payment.webhookMismatch') : t('payment.needsAttention')}
        </p>
      ) : null}
      {charge.stripeDisputeId ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-900 ring-1 ring-red-200" data-testid="dispute">
          {t('payment.disputed', {
            reason: charge.disputeReason ?? '—',
            amount: format.money(charge.disputeAmount ?? charge.amount, charge.currency),
            date: charge.disputedAt ? format.dateTime(charge.disputedAt) : '—',
          })}
        </p>
      ) : null}

      {messageKey ? <ChargeFailure charge={charge} messageKey={messageKey} allowedCountries={allowedCountries} /> : null}
      <ChargeFacts charge={charge} keyedBy={keyedBy} invoice={invoice} links={links} />
      <RefundList refunds={refunds} />
      <ChargeTimeline timeline={timeline} />
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
