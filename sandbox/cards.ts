/**
 * Stripe's documented test cards (docs.stripe.com/testing) and how each behaves.
 * Only these public test numbers are ever remembered by the sandbox; for any other
 * number we keep brand, last4 and a fingerprint, like Stripe.
 */
import { createHmac } from 'node:crypto';

export type Brand = 'visa' | 'mastercard' | 'amex' | 'discover' | 'diners' | 'jcb' | 'unionpay' | 'unknown';
export type Funding = 'credit' | 'debit' | 'prepaid' | 'unknown';

export interface Decline {
  /** error.code / charge.failure_code */
  code: string;
  decline_code: string;
  message: string;
  param?: string;
  outcome: {
    type: 'issuer_declined' | 'blocked';
    network_status: 'declined_by_network' | 'not_sent_to_network';
    reason: string;
    seller_message: string;
  };
}

function issuerDecline(code: string, declineCode: string, message: string, param?: string): Decline {
  return {
    code,
    decline_code: declineCode,
    message,
    ...(param ? { param } : {}),
    outcome: {
      type: 'issuer_declined',
      network_status: 'declined_by_network',
      reason: declineCode,
      seller_message:
        declineCode === 'generic_decline'
          ? 'The bank did not return any further details with this decline.'
          : `The bank returned the decline code \`${declineCode}\`.`,
    },
  };
}

export const DECLINES = {
  generic_decline: issuerDecline('card_declined', 'generic_decline', 'Your card was declined.'),
  insufficient_funds: issuerDecline('card_declined', 'insufficient_funds', 'Your card has insufficient funds.'),
  lost_card: issuerDecline('card_declined', 'lost_card', 'Your card was declined.'),
  stolen_card: issuerDecline('card_declined', 'stolen_card', 'Your card was declined.'),
  card_velocity_exceeded: issuerDecline(
    'card_declined',
    'card_velocity_exceeded',
    'Your card was declined for making repeated attempts too frequently or exceeding its amount limit.',
  ),
  expired_card: issuerDecline('expired_card', 'expired_card', 'Your card has expired.', 'exp_month'),
  incorrect_cvc: issuerDecline('incorrect_cvc', 'incorrect_cvc', "Your card's security code is incorrect.", 'cvc'),
  processing_error: issuerDecline(
    'processing_error',
    'processing_error',
    'An error occurred while processing your card. Try again in a little bit.',
  ),
  /** Radar's default rule blocks every payment with risk level `highest`. */
  fraudulent: {
    code: 'card_declined',
    decline_code: 'fraudulent',
    message: 'Your card was declined.',
    outcome: {
      type: 'blocked',
      network_status: 'not_sent_to_network',
      reason: 'highest_risk_level',
      seller_message: 'Stripe blocked this payment as too risky.',
    },
  },
} satisfies Record<string, Decline>;

export type DeclineKey = keyof typeof DECLINES;

export type Behavior =
  | { kind: 'succeed' }
  | { kind: 'decline'; decline: DeclineKey }
  /** 3D Secure required; after authentication the payment succeeds or is declined. */
  | { kind: 'authenticate'; afterAuthentication: 'succeed' | DeclineKey };

export type CheckFailure = 'fail' | 'unavailable';

export interface TestCard {
  number: string;
  brand: Brand;
  country: string;
  funding: Funding;
  /** Stripe's test PaymentMethod ids for this card (`pm_card_…`). */
  paymentMethods: string[];
  group: 'brand' | 'country' | 'decline' | 'fraud' | 'dispute' | 'authentication';
  description: string;
  behavior: Behavior;
  risk?: { level: 'normal' | 'elevated' | 'highest'; score: number };
  checks?: { cvc?: 'fail'; postal?: CheckFailure; line1?: CheckFailure };
  dispute?: { reason: 'fraudulent' | 'product_not_received' | 'general'; status: 'needs_response' | 'warning_needs_response' };
}

const ok: Behavior = { kind: 'succeed' };
const decline = (d: DeclineKey): Behavior => ({ kind: 'decline', decline: d });

function card(
  number: string,
  brand: Brand,
  country: string,
  group: TestCard['group'],
  description: string,
  extra: Partial<TestCard> = {},
): TestCard {
  return { number, brand, country, funding: 'credit', paymentMethods: [], group, description, behavior: ok, ...extra };
}

export const TEST_CARDS: TestCard[] = [
  // Successful payments by brand
  card('4242424242424242', 'visa', 'US', 'brand', 'Visa', { paymentMethods: ['pm_card_visa', 'pm_card_us'] }),
  card('4000056655665556', 'visa', 'US', 'brand', 'Visa (debit)', { funding: 'debit', paymentMethods: ['pm_card_visa_debit'] }),
  card('5555555555554444', 'mastercard', 'US', 'brand', 'Mastercard', { paymentMethods: ['pm_card_mastercard'] }),
  card('2223003122003222', 'mastercard', 'US', 'brand', 'Mastercard (2-series)'),
  card('5200828282828210', 'mastercard', 'US', 'brand', 'Mastercard (debit)', { funding: 'debit', paymentMethods: ['pm_card_mastercard_debit'] }),
  card('5105105105105100', 'mastercard', 'US', 'brand', 'Mastercard (prepaid)', { funding: 'prepaid', paymentMethods: ['pm_card_mastercard_prepaid'] }),
  card('378282246310005', 'amex', 'US', 'brand', 'American Express', { paymentMethods: ['pm_card_amex'] }),
  card('371449635398431', 'amex', 'US', 'brand', 'American Express'),
  card('6011111111111117', 'discover', 'US', 'brand', 'Discover', { paymentMethods: ['pm_card_discover'] }),
  card('6011000990139424', 'discover', 'US', 'brand', 'Discover'),
  card('6011981111111113', 'discover', 'US', 'brand', 'Discover (debit)', { funding: 'debit' }),
  card('3056930009020004', 'diners', 'US', 'brand', 'Diners Club', { paymentMethods: ['pm_card_diners'] }),
  card('36227206271667', 'diners', 'US', 'brand', 'Diners Club (14-digit card)'),
  card('3566002020360505', 'jcb', 'JP', 'brand', 'JCB', { paymentMethods: ['pm_card_jcb'] }),
  card('6200000000000005', 'unionpay', 'CN', 'brand', 'UnionPay', { paymentMethods: ['pm_card_unionpay'] }),
  card('6200000000000047', 'unionpay', 'CN', 'brand', 'UnionPay (debit)', { funding: 'debit' }),
  card('6205500000000000004', 'unionpay', 'CN', 'brand', 'UnionPay (19-digit card)'),

  // Successful payments by country
  card('4000000320000021', 'visa', 'AR', 'country', 'Argentina', { paymentMethods: ['pm_card_ar'] }),
  card('4000000760000002', 'visa', 'BR', 'country', 'Brazil', { paymentMethods: ['pm_card_br'] }),
  card('4000001240000000', 'visa', 'CA', 'country', 'Canada', { paymentMethods: ['pm_card_ca'] }),
  card('4000004840008001', 'visa', 'MX', 'country', 'Mexico', { paymentMethods: ['pm_card_mx'] }),
  card('4000008260000000', 'visa', 'GB', 'country', 'United Kingdom', { paymentMethods: ['pm_card_gb'] }),
  card('4000058260000005', 'visa', 'GB', 'country', 'United Kingdom (debit)', { funding: 'debit', paymentMethods: ['pm_card_gb_debit'] }),
  card('5555558265554449', 'mastercard', 'GB', 'country', 'United Kingdom (Mastercard)', { paymentMethods: ['pm_card_gb_mastercard'] }),
  card('4000002500000003', 'visa', 'FR', 'country', 'France', { paymentMethods: ['pm_card_fr'] }),
  card('4000002760000016', 'visa', 'DE', 'country', 'Germany', { paymentMethods: ['pm_card_de'] }),
  card('4000003720000005', 'visa', 'IE', 'country', 'Ireland', { paymentMethods: ['pm_card_ie'] }),
  card('4000003800000008', 'visa', 'IT', 'country', 'Italy', { paymentMethods: ['pm_card_it'] }),
  card('4000005280000002', 'visa', 'NL', 'country', 'Netherlands', { paymentMethods: ['pm_card_nl'] }),
  card('4000007240000007', 'visa', 'ES', 'country', 'Spain', { paymentMethods: ['pm_card_es'] }),
  card('4000007560000009', 'visa', 'CH', 'country', 'Switzerland', { paymentMethods: ['pm_card_ch'] }),
  card('4000000360000006', 'visa', 'AU', 'country', 'Australia', { paymentMethods: ['pm_card_au'] }),
  card('4000003440000004', 'visa', 'HK', 'country', 'Hong Kong', { paymentMethods: ['pm_card_hk'] }),
  card('4000003560000008', 'visa', 'IN', 'country', 'India', { paymentMethods: ['pm_card_in'] }),
  card('4000003920000003', 'visa', 'JP', 'country', 'Japan', { paymentMethods: ['pm_card_jp'] }),
  card('4000005540000008', 'visa', 'NZ', 'country', 'New Zealand', { paymentMethods: ['pm_card_nz'] }),
  card('4000007020000003', 'visa', 'SG', 'country', 'Singapore', { paymentMethods: ['pm_card_sg'] }),

  // Declined payments
  card('4000000000000002', 'visa', 'US', 'decline', 'Generic decline', {
    behavior: decline('generic_decline'),
    paymentMethods: ['pm_card_visa_chargeDeclined', 'pm_card_chargeDeclined'],
  }),
  card('4000000000009995', 'visa', 'US', 'decline', 'Insufficient funds decline', {
    behavior: decline('insufficient_funds'),
    paymentMethods: ['pm_card_visa_chargeDeclinedInsufficientFunds', 'pm_card_chargeDeclinedInsufficientFunds'],
  }),
  card('4000000000009987', 'visa', 'US', 'decline', 'Lost card decline', {
    behavior: decline('lost_card'),
    paymentMethods: ['pm_card_visa_chargeDeclinedLostCard', 'pm_card_chargeDeclinedLostCard'],
  }),
  card('4000000000009979', 'visa', 'US', 'decline', 'Stolen card decline', {
    behavior: decline('stolen_card'),
    paymentMethods: ['pm_card_visa_chargeDeclinedStolenCard', 'pm_card_chargeDeclinedStolenCard'],
  }),
  card('4000000000000069', 'visa', 'US', 'decline', 'Expired card decline', {
    behavior: decline('expired_card'),
    paymentMethods: ['pm_card_chargeDeclinedExpiredCard'],
  }),
  card('4000000000000127', 'visa', 'US', 'decline', 'Incorrect CVC decline', {
    behavior: decline('incorrect_cvc'),
    paymentMethods: ['pm_card_chargeDeclinedIncorrectCvc'],
  }),
  card('4000000000000119', 'visa', 'US', 'decline', 'Processing error decline', {
    behavior: decline('processing_error'),
    paymentMethods: ['pm_card_chargeDeclinedProcessingError'],
  }),
  card('4000000000006975', 'visa', 'US', 'decline', 'Exceeding velocity limit decline', {
    behavior: decline('card_velocity_exceeded'),
    paymentMethods: ['pm_card_visa_chargeDeclinedVelocityLimitExceeded'],
  }),
  card('4000000000000341', 'visa', 'US', 'decline', 'PaymentMethod creation succeeds; every charge is declined', {
    behavior: decline('generic_decline'),
    paymentMethods: ['pm_card_chargeCustomerFail'],
  }),

  // Fraud prevention (Radar with its default rules) and verification checks
  card('4100000000000019', 'visa', 'US', 'fraud', 'Always blocked (risk level highest)', {
    behavior: decline('fraudulent'),
    risk: { level: 'highest', score: 95 },
    paymentMethods: ['pm_card_radarBlock'],
  }),
  card('4000000000004954', 'visa', 'US', 'fraud', 'Highest risk: blocked by the default rule', {
    behavior: decline('fraudulent'),
    risk: { level: 'highest', score: 85 },
    paymentMethods: ['pm_card_riskLevelHighest'],
  }),
  card('4000000000009235', 'visa', 'US', 'fraud', 'Elevated risk: succeeds', {
    risk: { level: 'elevated', score: 65 },
    paymentMethods: ['pm_card_riskLevelElevated'],
  }),
  card('4000000000000101', 'visa', 'US', 'fraud', 'CVC check fails: declined when a CVC is provided', {
    checks: { cvc: 'fail' },
    paymentMethods: ['pm_card_cvcCheckFail'],
  }),
  card('4000000000000036', 'visa', 'US', 'fraud', 'Postal code check fails: succeeds', {
    checks: { postal: 'fail' },
    paymentMethods: ['pm_card_avsZipFail'],
  }),
  card('4000000000000028', 'visa', 'US', 'fraud', 'Address line 1 check fails: succeeds', {
    checks: { line1: 'fail' },
    paymentMethods: ['pm_card_avsLine1Fail'],
  }),
  card('4000000000000010', 'visa', 'US', 'fraud', 'Address line 1 and postal code checks fail: succeeds', {
    checks: { postal: 'fail', line1: 'fail' },
    paymentMethods: ['pm_card_avsFail'],
  }),
  card('4000000000000044', 'visa', 'US', 'fraud', 'Address checks unavailable: succeeds', {
    checks: { postal: 'unavailable', line1: 'unavailable' },
    paymentMethods: ['pm_card_avsUnchecked'],
  }),

  // Disputes: the charge succeeds, then a dispute is opened
  card('4000000000000259', 'visa', 'US', 'dispute', 'Fraudulent dispute', {
    dispute: { reason: 'fraudulent', status: 'needs_response' },
    paymentMethods: ['pm_card_createDispute'],
  }),
  card('4000000000002685', 'visa', 'US', 'dispute', 'Product not received dispute', {
    dispute: { reason: 'product_not_received', status: 'needs_response' },
    paymentMethods: ['pm_card_createDisputeProductNotReceived'],
  }),
  card('4000000000001976', 'visa', 'US', 'dispute', 'Inquiry', {
    dispute: { reason: 'general', status: 'warning_needs_response' },
    paymentMethods: ['pm_card_createDisputeInquiry'],
  }),

  // Authentication (3D Secure)
  card('4000002500003155', 'visa', 'FR', 'authentication', 'Authentication required for one-time payments', {
    behavior: { kind: 'authenticate', afterAuthentication: 'succeed' },
    paymentMethods: ['pm_card_authenticationRequiredOnSetup'],
  }),
  card('4000002760003184', 'visa', 'DE', 'authentication', 'Authentication always required', {
    behavior: { kind: 'authenticate', afterAuthentication: 'succeed' },
    paymentMethods: ['pm_card_authenticationRequired'],
  }),
  card('4000008260003178', 'visa', 'GB', 'authentication', 'Authentication required, then declined for insufficient funds', {
    behavior: { kind: 'authenticate', afterAuthentication: 'insufficient_funds' },
    paymentMethods: ['pm_card_authenticationRequiredChargeDeclinedInsufficientFunds'],
  }),
  card('4000000000003220', 'visa', 'US', 'authentication', '3D Secure 2 authentication required', {
    behavior: { kind: 'authenticate', afterAuthentication: 'succeed' },
    paymentMethods: ['pm_card_threeDSecure2Required'],
  }),
  card('4000000000003063', 'visa', 'US', 'authentication', '3D Secure authentication required', {
    behavior: { kind: 'authenticate', afterAuthentication: 'succeed' },
    paymentMethods: ['pm_card_threeDSecureRequired'],
  }),
  card('4000000000003055', 'visa', 'US', 'authentication', '3D Secure supported but not required: succeeds', {
    paymentMethods: ['pm_card_threeDSecureOptional'],
  }),
];

const byNumber = new Map(TEST_CARDS.map((c) => [c.number, c]));
const byPaymentMethod = new Map(TEST_CARDS.flatMap((c) => c.paymentMethods.map((pm) => [pm, c] as const)));

export function testCardByNumber(number: string): TestCard | undefined {
  return byNumber.get(number);
}

export function testCardByPaymentMethodId(id: string): TestCard | undefined {
  return byPaymentMethod.get(id);
}

export function luhnValid(number: string): boolean {
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let digit = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export function detectBrand(number: string): Brand {
  if (/^4/.test(number)) return 'visa';
  if (/^(5[1-5]|222[1-9]|22[3-9]|2[3-6]|27[01]|2720)/.test(number)) return 'mastercard';
  if (/^3[47]/.test(number)) return 'amex';
  if (/^(6011|64[4-9]|65)/.test(number)) return 'discover';
  if (/^(30[0-5]|309|36|38|39)/.test(number)) return 'diners';
  if (/^35(2[89]|[3-8])/.test(number)) return 'jcb';
  if (/^62/.test(number)) return 'unionpay';
  return 'unknown';
}

export function validLengths(brand: Brand): number[] {
  switch (brand) {
    case 'visa':
      return [13, 16, 19];
    case 'amex':
      return [15];
    case 'diners':
      return [14, 15, 16, 17, 18, 19];
    case 'unionpay':
      return [16, 17, 18, 19];
    case 'discover':
    case 'jcb':
      return [16, 17, 18, 19];
    default:
      return [16];
  }
}

export function cvcLength(brand: Brand): number {
  return brand === 'amex' ? 4 : 3;
}

/** Stable per card number, like Stripe's fingerprint; never reversible to the number. */
export function fingerprint(number: string): string {
  const digest = createHmac('sha256', 'keyed-sandbox-fingerprint').update(number).digest('base64');
  return digest.replace(/[^A-Za-z0-9]/g, '').slice(0, 16);
}

/** Stripe's `display_brand` values. */
export function displayBrand(brand: Brand): string {
  const names: Record<Brand, string> = {
    visa: 'visa',
    mastercard: 'mastercard',
    amex: 'american_express',
    discover: 'discover',
    diners: 'diners_club',
    jcb: 'jcb',
    unionpay: 'union_pay',
    unknown: 'other',
  };
  return names[brand];
}
