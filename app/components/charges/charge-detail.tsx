import { Link } from '@remix-run/react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import type { ChargeDetail, TimelineEntry } from '~/charges/detail.server';
import { TechnicalDetails } from '~/components/technical-details';
import { useFormat } from '~/components/use-format';
import { useLabels } from '~/components/use-labels';
import { auditActionLabelKey } from '~/platform/audit-actions';

// The named parts of the charge page: what failed, the payment and card facts, and the timeline. Codes and
// Stripe's developer message stay behind "technical details"; everything else is in words.

type FailedCharge = Pick<ChargeDetail['charge'], 'status' | 'authenticationRequired' | 'failureCode' | 'declineCode' | 'failureMessage'>;

/** Why a charge failed, for a person; Stripe's codes and developer message only behind "technical details". */
export function ChargeFailure({ charge, messageKey, allowedCountries }: { charge: FailedCharge; messageKey: string; allowedCountries: string }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const title = charge.authenticationRequired
    ? t('terminal.authTitle')
    : charge.status === 'blocked'
      ? t('terminal.blockedTitle')
      : t('terminal.declinedTitle');
  return (
    <section className="rounded-md bg-red-50 p-4 text-sm ring-1 ring-red-200" aria-labelledby="failure-title">
      <h2 id="failure-title" className="font-semibold text-red-900">
        {title}
      </h2>
      <p className="mt-1 text-red-950">{t(messageKey, { countries: allowedCountries })}</p>
      <p className="mt-1 text-red-900">{t('labels.reason', { reason: labels.decline(charge) })}</p>
      <TechnicalDetails className="mt-2 text-red-900" codes={[charge.failureCode, charge.declineCode]} message={charge.failureMessage} />
    </section>
  );
}

type Props = Pick<ChargeDetail, 'charge' | 'keyedBy' | 'invoice' | 'links'>;

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex justify-between gap-4 py-1.5 text-sm">
      <dt className="text-slate-600">{label}</dt>
      <dd className="min-w-0 break-words text-right font-medium">{children}</dd>
    </div>
  );
}

/** The payment and the card, side by side. */
export function ChargeFacts({ charge, keyedBy, invoice, links }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const labels = useLabels();
  const exp = charge.cardExpMonth && charge.cardExpYear ? `${String(charge.cardExpMonth).padStart(2, '0')}/${String(charge.cardExpYear).slice(-2)}` : '—';
  const intent = charge.stripePaymentIntentId ? <code className="text-xs">{charge.stripePaymentIntentId}</code> : null;
  return (
    <div className="grid gap-5 md:grid-cols-2">
      <section className="card" aria-labelledby="payment-title">
        <h2 id="payment-title" className="mb-2 font-semibold">
          {t('payment.payment')}
        </h2>
        <dl className="divide-y divide-slate-100">
          <Row label={t('invoices.amount')}>{format.money(charge.amount, charge.currency)}</Row>
          <Row label={t('payment.refunded')}>{format.money(charge.amountRefunded, charge.currency)}</Row>
          <Row label={t('payment.created')}>{format.dateTime(charge.createdAt)}</Row>
          <Row label={t('payment.settled')}>{charge.settledAt ? format.dateTime(charge.settledAt) : '—'}</Row>
          <Row label={t('payment.keyedBy')}>{keyedBy.name}</Row>
          <Row label={t('invoices.number')}>
            <Link to={`/invoices/${invoice.id}`} className="text-indigo-700 hover:underline">
              {invoice.number}
            </Link>
          </Row>
          <Row label={t('invoices.customer')}>{invoice.customerName}</Row>
          {charge.receiptEmail ? <Row label={t('payment.receiptEmail')}>{charge.receiptEmail}</Row> : null}
        </dl>
      </section>
      <section className="card" aria-labelledby="card-title">
        <h2 id="card-title" className="mb-2 font-semibold">
          {t('terminal.card')}
        </h2>
        <dl className="divide-y divide-slate-100">
          <Row label={t('charges.brand')}>{charge.cardBrand ? labels.brand(charge.cardBrand) : '—'}</Row>
          <Row label={t('charges.last4')}>{charge.cardLast4 ?? '—'}</Row>
          <Row label={t('payment.expiry')}>{exp}</Row>
          <Row label={t('payment.country')}>{charge.cardCountry ? labels.country(charge.cardCountry) : '—'}</Row>
          <Row label={t('payment.funding')}>{charge.cardFunding ? labels.funding(charge.cardFunding) : '—'}</Row>
          <Row label={t('terminal.paymentIntent')}>
            {intent && links.paymentIntent ? (
              <a href={links.paymentIntent} target="_blank" rel="noreferrer" className="text-indigo-700 underline">
                {intent}
              </a>
            ) : (
              (intent ?? '—')
            )}
          </Row>
          <Row label={t('payment.chargeId')}>{charge.stripeChargeId ? <code className="text-xs">{charge.stripeChargeId}</code> : '—'}</Row>
        </dl>
      </section>
    </div>
  );
}

// Stripe's notifications by type, in words (the webhook's type is Stripe's code for it).
const WEBHOOK_LABELS: readonly { type: string; label: string }[] = [
  { type: 'payment_intent.created', label: 'events.webhook.paymentCreated' },
  { type: 'payment_intent.requires_action', label: 'events.webhook.paymentNeedsAuthentication' },
  { type: 'payment_intent.canceled', label: 'events.webhook.paymentCanceled' },
  { type: 'payment_intent.succeeded', label: 'events.webhook.paymentSucceeded' },
  { type: 'charge.succeeded', label: 'events.webhook.paymentSucceeded' },
  { type: 'payment_intent.payment_failed', label: 'events.webhook.paymentFailed' },
  { type: 'charge.failed', label: 'events.webhook.paymentFailed' },
  { type: 'charge.refunded', label: 'events.webhook.chargeRefunded' },
  { type: 'refund.created', label: 'events.webhook.refundUpdated' },
  { type: 'refund.updated', label: 'events.webhook.refundUpdated' },
  { type: 'charge.refund.updated', label: 'events.webhook.refundUpdated' },
  { type: 'refund.failed', label: 'events.webhook.refundFailed' },
  { type: 'charge.dispute.created', label: 'events.webhook.dispute' },
  { type: 'charge.dispute.updated', label: 'events.webhook.dispute' },
  { type: 'charge.dispute.closed', label: 'events.webhook.dispute' },
];
const WEBHOOK_BY_TYPE = new Map(WEBHOOK_LABELS.map((w) => [w.type, w.label]));

function entryLabelKey(entry: Pick<TimelineEntry, 'kind' | 'action'>) {
  if (entry.kind === 'webhook') return WEBHOOK_BY_TYPE.get(entry.action) ?? 'events.webhook.other';
  return auditActionLabelKey(entry.action);
}

export function ChargeTimeline({ timeline }: { timeline: Pick<TimelineEntry, 'at' | 'kind' | 'action' | 'actorName'>[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <section className="card" aria-labelledby="timeline-title">
      <h2 id="timeline-title" className="mb-2 font-semibold">
        {t('payment.timeline')}
      </h2>
      <ol className="space-y-2 text-sm" data-testid="timeline">
        {timeline.map((entry, i) => (
          <li key={i} className="flex flex-wrap gap-x-3 gap-y-0.5">
            <span className="w-48 shrink-0 text-slate-600">{format.dateTime(entry.at)}</span>
            <span className="font-medium">{t(entryLabelKey(entry))}</span>
            {entry.actorName ? <span className="text-slate-700">{entry.actorName}</span> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
