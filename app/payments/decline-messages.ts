// What staff read on the phone after a charge, as translation keys. Stripe's codes stay codes.

export const AUTHENTICATION_REQUIRED_KEY = 'payment.authRequired';
export const UNKNOWN_OUTCOME_KEY = 'payment.unknownOutcome';
export const COUNTRY_NOT_ALLOWED_KEY = 'payment.countryNotAllowed';

// Stripe's three ways of saying the bank wanted authentication this integration cannot do. The one rule,
// in JS and in SQL (over columns named failure_code and decline_code); the schema's partial index repeats it.
export const AUTH_REQUIRED_FAILURE_CODES = ['authentication_required', 'requires_action_not_handled'] as const;
export const AUTH_REQUIRED_DECLINE_CODE = 'authentication_not_handled';
export const AUTH_REQUIRED_SQL = `(failure_code in ('authentication_required', 'requires_action_not_handled') or decline_code = 'authentication_not_handled')`;

export function isAuthenticationRequired(failure: { failureCode?: string | null; declineCode?: string | null }) {
  return (
    (AUTH_REQUIRED_FAILURE_CODES as readonly (string | null | undefined)[]).includes(failure.failureCode) || failure.declineCode === AUTH_REQUIRED_DECLINE_CODE
  );
}

const DO_NOT_RETRY = 'payment.decline.doNotRetry';
const CALL_BANK = 'payment.decline.callBank';

const BY_DECLINE_CODE: Record<string, string> = {
  insufficient_funds: 'payment.decline.insufficientFunds',
  expired_card: 'payment.decline.expiredCard',
  incorrect_cvc: 'payment.decline.incorrectCvc',
  incorrect_number: 'payment.decline.incorrectNumber',
  incorrect_zip: 'payment.decline.incorrectZip',
  lost_card: DO_NOT_RETRY,
  stolen_card: DO_NOT_RETRY,
  pickup_card: DO_NOT_RETRY,
  fraudulent: DO_NOT_RETRY,
  merchant_blacklist: DO_NOT_RETRY,
  restricted_card: DO_NOT_RETRY,
  processing_error: 'payment.decline.processingError',
  card_velocity_exceeded: 'payment.decline.overLimit',
  card_not_supported: 'payment.decline.notSupported',
  currency_not_supported: 'payment.decline.currencyNotSupported',
  do_not_honor: CALL_BANK,
  generic_decline: CALL_BANK,
};

const BY_FAILURE_CODE: Record<string, string> = {
  expired_card: 'payment.decline.expiredCard',
  incorrect_cvc: 'payment.decline.incorrectCvc',
  incorrect_number: 'payment.decline.incorrectNumber',
  processing_error: 'payment.decline.processingError',
  card_declined: CALL_BANK,
  charge_exceeds_source_limit: 'payment.decline.overLimit',
  country_not_allowed: COUNTRY_NOT_ALLOWED_KEY,
};

/** The key of the message for a failed or blocked attempt. */
export function failureMessageKey(failure: { failureCode?: string | null; declineCode?: string | null }) {
  if (isAuthenticationRequired(failure)) return AUTHENTICATION_REQUIRED_KEY;
  if (failure.declineCode && BY_DECLINE_CODE[failure.declineCode]) return BY_DECLINE_CODE[failure.declineCode]!;
  if (failure.failureCode && BY_FAILURE_CODE[failure.failureCode]) return BY_FAILURE_CODE[failure.failureCode]!;
  return 'payment.decline.other';
}
