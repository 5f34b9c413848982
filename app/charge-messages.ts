// What staff read on the phone after a charge, as translation keys. Stripe's codes stay codes.

export const AUTHENTICATION_REQUIRED_KEY = 'charge.authRequired';
export const UNKNOWN_OUTCOME_KEY = 'charge.unknownOutcome';
export const COUNTRY_NOT_ALLOWED_KEY = 'charge.countryNotAllowed';

/** Any of Stripe's three ways of saying the bank wanted authentication this integration cannot do. */
export function isAuthenticationRequired(failure: { failureCode?: string | null; declineCode?: string | null }) {
  return (
    failure.failureCode === 'authentication_required' ||
    failure.declineCode === 'authentication_not_handled' ||
    failure.failureCode === 'requires_action_not_handled'
  );
}

const DO_NOT_RETRY = 'charge.decline.doNotRetry';
const CALL_BANK = 'charge.decline.callBank';

const BY_DECLINE_CODE: Record<string, string> = {
  insufficient_funds: 'charge.decline.insufficientFunds',
  expired_card: 'charge.decline.expiredCard',
  incorrect_cvc: 'charge.decline.incorrectCvc',
  incorrect_number: 'charge.decline.incorrectNumber',
  incorrect_zip: 'charge.decline.incorrectZip',
  lost_card: DO_NOT_RETRY,
  stolen_card: DO_NOT_RETRY,
  pickup_card: DO_NOT_RETRY,
  fraudulent: DO_NOT_RETRY,
  merchant_blacklist: DO_NOT_RETRY,
  restricted_card: DO_NOT_RETRY,
  processing_error: 'charge.decline.processingError',
  card_velocity_exceeded: 'charge.decline.overLimit',
  card_not_supported: 'charge.decline.notSupported',
  currency_not_supported: 'charge.decline.currencyNotSupported',
  do_not_honor: CALL_BANK,
  generic_decline: CALL_BANK,
};

const BY_FAILURE_CODE: Record<string, string> = {
  expired_card: 'charge.decline.expiredCard',
  incorrect_cvc: 'charge.decline.incorrectCvc',
  incorrect_number: 'charge.decline.incorrectNumber',
  processing_error: 'charge.decline.processingError',
  card_declined: CALL_BANK,
  charge_exceeds_source_limit: 'charge.decline.overLimit',
  country_not_allowed: COUNTRY_NOT_ALLOWED_KEY,
};

/** The key of the message for a failed or blocked attempt. */
export function failureMessageKey(failure: { failureCode?: string | null; declineCode?: string | null }) {
  if (isAuthenticationRequired(failure)) return AUTHENTICATION_REQUIRED_KEY;
  if (failure.declineCode && BY_DECLINE_CODE[failure.declineCode]) return BY_DECLINE_CODE[failure.declineCode]!;
  if (failure.failureCode && BY_FAILURE_CODE[failure.failureCode]) return BY_FAILURE_CODE[failure.failureCode]!;
  return 'charge.decline.other';
}
