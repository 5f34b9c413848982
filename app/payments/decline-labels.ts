import { isAuthenticationRequired } from './decline-messages';

// Short names for Stripe's decline and error codes, as translation keys: what finance reads in lists, filters and
// chart legends. The codes themselves appear only inside "technical details".

const AUTH_REQUIRED_LABEL = 'labels.decline.authenticationRequired';
const OTHER_LABEL = 'labels.decline.other';

const BY_CODE: Record<string, string> = {
  authentication_required: AUTH_REQUIRED_LABEL,
  authentication_not_handled: AUTH_REQUIRED_LABEL,
  requires_action_not_handled: AUTH_REQUIRED_LABEL,
  insufficient_funds: 'labels.decline.insufficientFunds',
  generic_decline: 'labels.decline.genericDecline',
  card_declined: 'labels.decline.genericDecline',
  do_not_honor: 'labels.decline.genericDecline',
  expired_card: 'labels.decline.expiredCard',
  incorrect_cvc: 'labels.decline.incorrectCvc',
  invalid_cvc: 'labels.decline.incorrectCvc',
  incorrect_number: 'labels.decline.incorrectNumber',
  invalid_number: 'labels.decline.incorrectNumber',
  incorrect_zip: 'labels.decline.incorrectZip',
  lost_card: 'labels.decline.lostCard',
  stolen_card: 'labels.decline.stolenCard',
  pickup_card: 'labels.decline.pickupCard',
  fraudulent: 'labels.decline.fraudulent',
  merchant_blacklist: 'labels.decline.fraudulent',
  restricted_card: 'labels.decline.restrictedCard',
  processing_error: 'labels.decline.processingError',
  card_velocity_exceeded: 'labels.decline.overLimit',
  charge_exceeds_source_limit: 'labels.decline.overLimit',
  card_not_supported: 'labels.decline.notSupported',
  currency_not_supported: 'labels.decline.currencyNotSupported',
  country_not_allowed: 'labels.decline.countryNotAllowed',
  other: 'labels.decline.otherCodes',
  unknown: OTHER_LABEL,
};

/** The label key for one code (a filter choice, a chart series); unknown codes read as "other reason". */
export function declineCodeLabelKey(code: string) {
  return BY_CODE[code] ?? OTHER_LABEL;
}

/** The label key for a failed attempt's codes: the most specific one Stripe gave, authentication first. */
export function declineLabelKey(failure: { failureCode?: string | null; declineCode?: string | null }) {
  if (isAuthenticationRequired(failure)) return AUTH_REQUIRED_LABEL;
  const known = [failure.declineCode, failure.failureCode].find((code) => code && BY_CODE[code]);
  return known ? BY_CODE[known]! : OTHER_LABEL;
}
