import { Link } from '@remix-run/react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import type { ChargeDetail } from '~/charges/detail.server';
import { StatusBadge } from '~/components/status-badge';
import { useFormat } from '~/components/use-format';

// The named parts of the charge page: what failed, the payment and card facts, refunds, and the timeline.

type Charge = ChargeDetail['charge'];

const TIMELINE_KIND_KEYS = {
  created: 'timeline.created',
  outcome: 'timeline.outcome',
  unknown: 'timeline.unknown',
  reconciliation: 'timeline.reconciliation',
  webhook: 'timeline.webhook',
  refund: 'timeline.refund',
  dispute: 'timeline.dispute',
  note: 'timeline.note',
} as const;

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex justify-between gap-4 py-1.5 text-sm">
      <dt className="text-slate-600">{label}</dt>
      <dd className="text-right font-medium">{children}</dd>
    </div>
  );
}

/** Why the charge failed, in words staff can act on, with Stripe's codes beside them. */
export function ChargeFailure({ charge, messageKey, allowedCountries }: { charge: Charge; messageKey: string; allowedCountries: string }) {
  const { t } = useTranslation();
  return (
    <section className="rounded-md bg-red-50 p-4 text-sm ring-1 ring-red-200" aria-labelledby="failure-title">
      <h2 id="failure-title" className="font-semibold text-red-900">
        {charge.authenticationRequired ? t('terminal.authTitle') : charge.status === 'blocked' ? t('terminal.blockedTitle') : t('terminal.declinedTitle')}
      </h2>
      <p className="mt-1 text-red-950">{t(messageKey, { countries: allowedCountries })}</p>
      <p className="mt-2 text-red-900">
        {[charge.failureCode, charge.declineCode].filter(Boolean).map((code) => (
          <code key={code} className="mr-1 rounded bg-white/70 px-1">
            {code}
          </code>
        ))}
        {charge.failureMessage ? <span className="ml-1">{charge.failureMessage}</span> : null}
      </p>
    </section>
  );
}

export function ChargeFacts({
  charge,
  keyedBy,
  invoice,
  links,
}: {
  charge: Charge;
  keyedBy: { name: string };
  invoice: { id: number; number: string; customerName: string };
  links: { paymentIntent: string | null };
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const exp = charge.cardExpMonth && charge.cardExpYear ? `${String(charge.cardExpMonth).padStart(2, '0')}/${String(charge.cardExpYear).slice(-2)}` : '—';
  const row = (label: string, value: ReactNode) => <Row label={label}>{value}</Row>;
  return (
    <div className="grid gap-5 md:grid-cols-2">
      <section className="card" aria-labelledby="payment-title">
        <h2 id="payment-title" className="mb-2 font-semibold">
          {t('payment.payment')}
        </h2>
        <dl className="divide-y divide-slate-100">
          {row(t('invoices.amount'), format.money(charge.amount, charge.currency))}
          {row(t('payment.refunded'), format.money(charge.amountRefunded, charge.currency))}
          {row(t('payment.created'), format.dateTime(charge.createdAt))}
          {row(t('payment.settled'), charge.settledAt ? format.dateTime(charge.settledAt) : '—')}
          {row(t('payment.keyedBy'), keyedBy.name)}
          {row(
            t('invoices.number'),
            <Link to={`/invoices/${invoice.id}`} className="text-indigo-700 hover:underline">
              {invoice.number}
            </Link>,
          )}
          {row(t('invoices.customer'), invoice.customerName)}
          {charge.receiptEmail ? row(t('payment.receiptEmail'), charge.receiptEmail) : null}
        </dl>
      </section>
      <section className="card" aria-labelledby="card-title">
        <h2 id="card-title" className="mb-2 font-semibold">
          {t('terminal.card')}
        </h2>
        <dl className="divide-y divide-slate-100">
          {row(t('charges.brand'), charge.cardBrand ?? '—')}
          {row(t('charges.last4'), charge.cardLast4 ?? '—')}
          {row(t('payment.expiry'), exp)}
          {row(t('payment.country'), charge.cardCountry ?? '—')}
          {row(t('payment.funding'), charge.cardFunding ?? '—')}
          {row(
            t('terminal.paymentIntent'),
            charge.stripePaymentIntentId ? (
              links.paymentIntent ? (
                <a href={links.paymentIntent} target="_blank" rel="noreferrer" className="text-indigo-700 underline">
                  <code className="text-xs">{charge.stripePaymentIntentId}</code>
                </a>
              ) : (
                <code className="text-xs">{charge.stripePaymentIntentId}</code>
              )
            ) : (
              '—'
            ),
          )}
          {row(t('payment.chargeId'), charge.stripeChargeId ? <code className="text-xs">{charge.stripeChargeId}</code> : '—')}
        </dl>
      </section>
    </div>
  );
}

export function RefundList({ refunds }: { refunds: ChargeDetail['refunds'] }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <section className="card" aria-labelledby="refunds-title">
      <h2 id="refunds-title" className="mb-2 font-semibold">
        {t('payment.refunds')}
      </h2>
      {refunds.length === 0 ? (
        <p className="text-sm text-slate-600">{t('payment.noRefunds')}</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm" data-testid="refunds">
          {refunds.map((r) => (
            <li key={r.id} className="flex flex-wrap gap-3 py-2">
              <span className="tabular-nums font-medium">{format.money(r.amount, r.currency)}</span>
              <StatusBadge status={r.status} />
              <span>{r.reason ?? ''}</span>
              <span className="text-slate-600">{r.viaKeyed ? r.byName : t('payment.outsideKeyed')}</span>
              <span className="ml-auto text-slate-600">{format.dateTime(r.createdAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function ChargeTimeline({ timeline }: { timeline: ChargeDetail['timeline'] }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <section className="card" aria-labelledby="timeline-title">
      <h2 id="timeline-title" className="mb-2 font-semibold">
        {t('payment.timeline')}
      </h2>
      <ol className="space-y-2 text-sm" data-testid="timeline">
        {timeline.map((entry, i) => (
          <li key={i} className="flex flex-wrap gap-3">
            <span className="w-48 shrink-0 text-slate-600">{format.dateTime(entry.at)}</span>
            <span className="font-medium">{t(TIMELINE_KIND_KEYS[entry.kind])}</span>
            <code className="text-xs text-slate-700">{entry.action}</code>
            {entry.actorName ? <span className="text-slate-700">{entry.actorName}</span> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
