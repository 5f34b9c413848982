/**
 * Card facts the sandbox needs: Stripe's decline codes and messages, brand detection, Luhn,
 * fingerprints. The test-card table is in test-cards.ts. For a number that is not a test card
 * we keep brand, last4 and a fingerprint, like Stripe.
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
  processing_error: issuerDecline('processing_error', 'processing_error', 'An error occurred while processing your card. Try again in a little bit.'),
  /** An off-session payment cannot be authenticated, so the issuer's soft decline stands. */
  authentication_required: issuerDecline(
    'authentication_required',
    'authentication_required',
    'Your card was declined. This transaction requires authentication.',
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
