import { useTranslation } from 'react-i18next';

import { declineCodeLabelKey, declineLabelKey } from '~/payments/decline-labels';
import { intlLocale } from '~/platform/i18n';
import { refundReasonKey } from '~/refunds/refund-reasons';

// Words for the codes Stripe and Keyed store: what people read instead of `visa`, `insufficient_funds` or `debit`.

/** Card networks are names, the same in every language. */
const BRAND_NAMES: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  american_express: 'American Express',
  discover: 'Discover',
  jcb: 'JCB',
  diners: 'Diners Club',
  diners_club: 'Diners Club',
  unionpay: 'UnionPay',
  union_pay: 'UnionPay',
  interac: 'Interac',
  cartes_bancaires: 'Cartes Bancaires',
};

const FUNDING_KEYS: Record<string, string> = {
  credit: 'labels.funding.credit',
  debit: 'labels.funding.debit',
  prepaid: 'labels.funding.prepaid',
};

const DISPUTE_REASON_KEYS: Record<string, string> = {
  fraudulent: 'labels.dispute.fraudulent',
  duplicate: 'labels.dispute.duplicate',
  product_not_received: 'labels.dispute.productNotReceived',
  product_unacceptable: 'labels.dispute.productUnacceptable',
  subscription_canceled: 'labels.dispute.subscriptionCanceled',
  credit_not_processed: 'labels.dispute.creditNotProcessed',
  unrecognized: 'labels.dispute.unrecognized',
};

function brandName(brand: string | null | undefined) {
  return brand ? (BRAND_NAMES[brand.toLowerCase()] ?? null) : null;
}

export function useLabels() {
  const { t, i18n } = useTranslation();
  const brand = (value: string | null | undefined) => brandName(value) ?? t('labels.cardOther');
  return {
    brand,
    /** "Visa ···4242" */
    card: (value: string | null | undefined, last4: string | null | undefined) => (last4 ? `${brand(value)} ···${last4}` : brand(value)),
    funding: (value: string | null | undefined) => t(FUNDING_KEYS[value ?? ''] ?? 'labels.funding.unknown'),
    country: (code: string | null | undefined) => countryName(code, i18n.language) ?? t('labels.unknown'),
    /** A failed attempt's reason, from its codes. */
    decline: (failure: { failureCode?: string | null; declineCode?: string | null }) => t(declineLabelKey(failure)),
    /** One code as a filter choice or a chart series. */
    declineCode: (code: string) => t(declineCodeLabelKey(code)),
    refundReason: (reason: string | null | undefined) => (reason ? t(refundReasonKey(reason)) : ''),
    disputeReason: (reason: string | null | undefined) => t(DISPUTE_REASON_KEYS[reason ?? ''] ?? 'labels.dispute.general'),
  };
}

function countryName(code: string | null | undefined, locale: string) {
  if (!code || !/^[A-Z]{2}$/i.test(code)) return null;
  try {
    return new Intl.DisplayNames([intlLocale(locale)], { type: 'region' }).of(code.toUpperCase()) ?? null;
  } catch {
    return null;
  }
}
