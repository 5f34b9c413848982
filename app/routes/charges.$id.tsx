import { parseWithZod } from '@conform-to/zod';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';

import { getChargeDetail } from '~/charges/detail.server';
import { ChargeFacts, ChargeFailure, ChargeTimeline } from '~/components/charges/charge-detail';
import { ErrorPage } from '~/components/error-page';
import { pageTitle } from '~/components/page-title';
import { RefundConfirm, type RefundReviewView } from '~/components/refunds/refund-confirm';
import { type RefundFieldErrors, RefundForm } from '~/components/refunds/refund-form';
import { RefundHistory } from '~/components/refunds/refund-history';
import { StatusBadge } from '~/components/status-badge';
import { useFormat } from '~/components/use-format';
import { useLabels } from '~/components/use-labels';
import { failureMessageKey } from '~/payments/decline-messages';
import { reconcileAttempt } from '~/payments/reconciler.server';
import { audit, clientIp } from '~/platform/audit.server';
import { requirePermission } from '~/platform/auth.server';
import { getEnv } from '~/platform/env.server';
import { notFound, requireIdParam } from '~/platform/http.server';
import { getT } from '~/platform/i18n.server';
import { formatMoney } from '~/platform/money';
import { can } from '~/platform/permissions';
import { redirectWithToast } from '~/platform/toast.server';
import { type ApprovalRefusal, listApprovalsForCharge, requestRefundApproval } from '~/refunds/refund-approvals.server';
import { newRefundKey, type RefundActor, refundCharge, type RefundRefusal } from '~/refunds/refund-charge.server';
import { REFUND_REFUSALS, refundConfirmSchema, refundReviewSchema } from '~/refunds/refund-form';
import { reviewRefund } from '~/refunds/review-refund.server';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'titles.charge');

type RefundActionData = { error: string | null; fieldErrors: RefundFieldErrors; review: RefundReviewView | null };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'charge:read');
  const detail = getChargeDetail({ id: requireIdParam(params.id) });
  if (!detail) throw notFound();
  const { charge } = detail;
  return json({
    ...detail,
    approvals: listApprovalsForCharge({ attemptId: charge.id }),
    messageKey: charge.status === 'failed' || charge.status === 'blocked' ? failureMessageKey(charge) : null,
    allowedCountries: (getEnv().ALLOWED_CARD_COUNTRIES ?? []).join(', '),
    canCheck: can(user.role, 'attempt:reconcile') && (charge.status === 'pending' || charge.status === 'unknown'),
    // A fresh key per page view: resubmitting this form is the same refund, never a second one.
    refund: can(user.role, 'refund:create') && charge.refundableAmount > 0 ? { key: newRefundKey() } : null,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await request.formData();
  const intent = form.get('intent');
  if (intent === 'review' || intent === 'refund' || intent === 'request-approval') return refundAction(request, params.id, form);
  const user = await requirePermission(request, 'attempt:reconcile');
  const id = requireIdParam(params.id);
  const { t } = await getT(request);
  if (intent !== 'check') return json({ error: t('errors.unknownAction') }, { status: 400 });
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
  const actor: RefundActor = { id: user.id, role: user.role, ip: clientIp(request) };
  const answer = (status: number, data: Partial<RefundActionData>) =>
    json({ error: null, fieldErrors: {}, review: null, ...data } as RefundActionData, { status });
  const review = (key: string, reason: string, amount: number | undefined) => toReviewView(reviewRefund({ attemptId: id, amount }, actor), key, reason);

  if (form.get('intent') === 'review') {
    const submission = parseWithZod(form, { schema: refundReviewSchema({ t, locale }) });
    if (submission.status !== 'success') return answer(400, { fieldErrors: submission.reply().error ?? {} });
    const { idempotencyKey, reason, amount } = submission.value;
    const reviewed = reviewRefund({ attemptId: id, amount }, actor);
    if (!reviewed.ok) {
      if (reviewed.reason === 'not_found') throw notFound();
      const status = REFUND_REFUSALS[reviewed.reason].status;
      const message = refusalMessage(t, locale, id, reviewed);
      // A bad amount belongs to the amount field; anything else is about the charge.
      return status === 400 ? answer(400, { fieldErrors: { amount: [message] } }) : answer(status, { error: message });
    }
    return answer(200, { review: toReviewView(reviewed, idempotencyKey, reason) });
  }

  const submission = parseWithZod(form, { schema: refundConfirmSchema(t) });
  if (submission.status !== 'success') return answer(400, { error: t('refundForm.errors.staleForm') });
  const { intent, idempotencyKey, reason, amount, allowRecentDuplicate, note } = submission.value;
  const result =
    intent === 'refund'
      ? await refundCharge({ attemptId: id, amount, reason, idempotencyKey, allowRecentDuplicate }, actor)
      : requestRefundApproval({ attemptId: id, amount, reason, note, idempotencyKey, allowRecentDuplicate }, actor);
  if (!result.ok) {
    if (result.reason === 'not_found') throw notFound();
    // Back to the confirmation when it still applies (the "yes, another one" box, or the approval path).
    return answer(REFUND_REFUSALS[result.reason].status, { error: refusalMessage(t, locale, id, result), review: review(idempotencyKey, reason, amount) });
  }
  if ('approvalId' in result) return redirectWithToast(request, `/charges/${id}`, { kind: 'success', message: t('approvals.requested') });
  const message = result.status === 'succeeded' ? 'refundForm.done' : 'refundForm.pending';
  return redirectWithToast(request, `/charges/${id}`, {
    kind: 'success',
    message: t(message, { amount: formatMoney(result.amount, result.currency, locale) }),
  });
}

/** The confirmation as the page shows it, or null when the refund can no longer be reviewed. */
function toReviewView(reviewed: ReturnType<typeof reviewRefund>, key: string, reason: string): RefundReviewView | null {
  if (!reviewed.ok) return null;
  const { amount, currency, needsApproval, threshold, recentDuplicate, card, customerName } = reviewed;
  return {
    key,
    reason,
    amount,
    currency,
    needsApproval,
    threshold,
    recentDuplicateAt: recentDuplicate?.at ?? null,
    cardBrand: card.brand,
    cardLast4: card.last4,
    customerName,
  };
}

function refusalMessage(
  t: TFunction,
  locale: string,
  chargeId: number,
  refusal: { reason: RefundRefusal | ApprovalRefusal; params?: { remaining?: number; threshold?: number; amount?: number; previousAt?: number } },
) {
  const currency = getChargeDetail({ id: chargeId })?.charge.currency ?? 'usd';
  const money = (minor: number | undefined) => (minor === undefined ? '' : formatMoney(minor, currency, locale));
  const { remaining, threshold, amount } = refusal.params ?? {};
  return t(REFUND_REFUSALS[refusal.reason].key, { remaining: money(remaining), threshold: money(threshold), amount: money(amount) });
}

export default function ChargePage() {
  const { charge, keyedBy, invoice, refunds, approvals, links, timeline, messageKey, allowedCountries, canCheck, refund } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as Partial<RefundActionData> | undefined;
  const navigation = useNavigation();
  const { t } = useTranslation();
  const format = useFormat();
  const labels = useLabels();
  const review = actionData?.review ?? null;
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
      {actionData?.error && !review ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {actionData.error}
        </p>
      ) : null}
      {review ? (
        <RefundConfirm review={review} chargeId={charge.id} error={actionData?.error ?? null} />
      ) : refund ? (
        <RefundForm
          key={refund.key}
          refundKey={refund.key}
          remaining={charge.refundableAmount}
          currency={charge.currency}
          fieldErrors={actionData?.fieldErrors ?? {}}
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
            reason: labels.disputeReason(charge.disputeReason),
            amount: format.money(charge.disputeAmount ?? charge.amount, charge.currency),
            date: charge.disputedAt ? format.dateTime(charge.disputedAt) : '—',
          })}
        </p>
      ) : null}
      {messageKey ? <ChargeFailure charge={charge} messageKey={messageKey} allowedCountries={allowedCountries} /> : null}
      <ChargeFacts charge={charge} keyedBy={keyedBy} invoice={invoice} links={links} />
      <RefundHistory refunds={refunds} approvals={approvals} />
      <ChargeTimeline timeline={timeline} />
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
