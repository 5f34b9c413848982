/**
 * Stripe's documented test cards (docs.stripe.com/testing) and how each behaves in the sandbox.
 * Only these public test numbers are ever remembered by the sandbox.
 */
import type { Brand, DeclineKey, Funding } from './cards.ts';

/**
 * A card whose issuer requires 3D Secure. On-session payments always need the challenge (unless MOTO);
 * off-session payments cannot be authenticated, so they are soft-declined with `authentication_required`
 * unless the card is set up for off-session use and `offSession` is `when_set_up`.
 */
export interface Authentication {
  kind: 'authenticate';
  offSession: 'decline' | 'when_set_up';
  /** Already set up for off-session use when created (4000 0038 0000 0446). */
  setUp?: boolean;
  /** The charge after a completed challenge, or on a payment exempt from it (MOTO, set-up off-session). */
  afterAuthentication: 'succeed' | DeclineKey;
  /** The issuer's 3DS server fails the lookup (4000 0084 0000 1280): no challenge is shown, the payment is declined. */
  lookupError?: boolean;
  /** Authenticated without showing a challenge (4000 0000 3220 0000). */
  frictionless?: boolean;
}

type Behavior = { kind: 'succeed' } | { kind: 'decline'; decline: DeclineKey } | Authentication;

type CheckFailure = 'fail' | 'unavailable';

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
const authenticate = (a: Omit<Authentication, 'kind' | 'afterAuthentication'> & Partial<Authentication>): Authentication => ({
  kind: 'authenticate',
  afterAuthentication: 'succeed',
  ...a,
});

function card(number: string, brand: Brand, country: string, group: TestCard['group'], description: string, extra: Partial<TestCard> = {}): TestCard {
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

  // Authentication and setup: whether the card is set up for off-session use changes the off-session outcome
  card('4000002500003155', 'visa', 'FR', 'authentication', 'Authenticate unless set up for off-session use', {
    behavior: authenticate({ offSession: 'when_set_up' }),
    paymentMethods: ['pm_card_authenticationRequiredOnSetup'],
  }),
  card('4000002760003184', 'visa', 'DE', 'authentication', 'Always authenticate, set up or not', {
    behavior: authenticate({ offSession: 'decline' }),
    paymentMethods: ['pm_card_authenticationRequired'],
  }),
  card('4000003800000446', 'visa', 'IT', 'authentication', 'Already set up: on-session payments authenticate, off-session ones succeed', {
    behavior: authenticate({ offSession: 'when_set_up', setUp: true }),
    paymentMethods: ['pm_card_authenticationRequiredSetupForOffSession'],
  }),
  card('4000008260003178', 'visa', 'GB', 'authentication', 'Authenticate, then declined for insufficient funds (also when set up)', {
    behavior: authenticate({ offSession: 'when_set_up', afterAuthentication: 'insufficient_funds' }),
    paymentMethods: ['pm_card_authenticationRequiredChargeDeclinedInsufficientFunds'],
  }),

  // 3D Secure support and availability
  card('4000000000003220', 'visa', 'IE', 'authentication', '3DS2 required: succeeds after authentication', {
    behavior: authenticate({ offSession: 'decline' }),
    paymentMethods: ['pm_card_threeDSecure2Required'],
  }),
  card('4000008400000027', 'visa', 'US', 'authentication', '3DS2 required: succeeds after authentication (US-issued)', {
    behavior: authenticate({ offSession: 'decline' }),
  }),
  card('4000008400001629', 'visa', 'US', 'authentication', '3DS required, then declined (card_declined) after authentication', {
    behavior: authenticate({ offSession: 'decline', afterAuthentication: 'generic_decline' }),
    paymentMethods: ['pm_card_threeDSecureRequiredChargeDeclined'],
  }),
  card('4000008400001280', 'visa', 'US', 'authentication', '3DS required, the 3DS lookup fails: declined (card_declined)', {
    behavior: authenticate({ offSession: 'decline', afterAuthentication: 'generic_decline', lookupError: true }),
    paymentMethods: ['pm_card_threeDSecureRequiredProcessingError'],
  }),
  card('4000000032200000', 'visa', 'US', 'authentication', '3DS required, authenticated without a challenge (frictionless)', {
    behavior: authenticate({ offSession: 'decline', frictionless: true }),
  }),
  card('4000000000003063', 'visa', 'US', 'authentication', '3D Secure authentication required', {
    behavior: authenticate({ offSession: 'decline' }),
    paymentMethods: ['pm_card_threeDSecureRequired'],
  }),
  card('4000000000003055', 'visa', 'US', 'authentication', '3D Secure supported but not required: succeeds', {
    paymentMethods: ['pm_card_threeDSecureOptional'],
  }),
  card('4000000000003097', 'visa', 'US', 'authentication', '3D Secure supported, not requested by default: succeeds', {
    paymentMethods: ['pm_card_threeDSecureOptionalProcessingError'],
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
