// What staff read on the phone after a charge. Stripe's codes stay as codes; the words are for people.

export const AUTHENTICATION_REQUIRED_MESSAGE =
  "This card needs the bank's authentication (3-D Secure), which this terminal cannot do over the phone. Ask for a different card.";

/** Any of Stripe's three ways of saying the bank wanted authentication this integration cannot do. */
export function isAuthenticationRequired(failure: { failureCode?: string | null; declineCode?: string | null }) {
  return (
    failure.failureCode === 'authentication_required' ||
    failure.declineCode === 'authentication_not_handled' ||
    failure.failureCode === 'requires_action_not_handled'
  );
}

const DO_NOT_RETRY = 'Declined. Do not retry this card.';

const BY_DECLINE_CODE: Record<string, string> = {
  insufficient_funds: 'Declined — insufficient funds. Ask the customer for another card.',
  expired_card: 'Declined — the card has expired. Check the expiry date with the customer, or ask for another card.',
  incorrect_cvc: 'Declined — the security code is wrong. Ask the customer to read the 3 or 4 digits again.',
  incorrect_number: 'Declined — the card number is wrong. Re-enter it carefully.',
  incorrect_zip: 'Declined — the postal code does not match the card. Check it with the customer.',
  lost_card: DO_NOT_RETRY,
  stolen_card: DO_NOT_RETRY,
  pickup_card: DO_NOT_RETRY,
  fraudulent: DO_NOT_RETRY,
  merchant_blacklist: DO_NOT_RETRY,
  restricted_card: DO_NOT_RETRY,
  processing_error: 'The bank had a processing error. Try the same card again in a moment.',
  card_velocity_exceeded: 'Declined — the card is over its limit for now. Ask for another card.',
  card_not_supported: 'Declined — this card does not support this kind of purchase. Ask for another card.',
  currency_not_supported: 'Declined — this card cannot pay in this currency. Ask for another card.',
  do_not_honor: 'Declined by the bank. Ask the customer to call their bank, or use another card.',
  generic_decline: 'Declined by the bank. Ask the customer to call their bank, or use another card.',
};

const BY_FAILURE_CODE: Record<string, string> = {
  expired_card: BY_DECLINE_CODE.expired_card!,
  incorrect_cvc: BY_DECLINE_CODE.incorrect_cvc!,
  incorrect_number: BY_DECLINE_CODE.incorrect_number!,
  processing_error: BY_DECLINE_CODE.processing_error!,
  card_declined: BY_DECLINE_CODE.generic_decline!,
  payment_method_unactivated: 'This card cannot be used. Ask for another card.',
  country_not_allowed: 'This business accepts cards from {countries} only. Ask for another card.',
  charge_exceeds_source_limit: 'Declined — the amount is over this card’s limit. Ask for another card.',
};

export function failureMessageFor(failure: { failureCode?: string | null; declineCode?: string | null }) {
  if (isAuthenticationRequired(failure)) return AUTHENTICATION_REQUIRED_MESSAGE;
  if (failure.declineCode && BY_DECLINE_CODE[failure.declineCode]) return BY_DECLINE_CODE[failure.declineCode]!;
  if (failure.failureCode && BY_FAILURE_CODE[failure.failureCode]) return BY_FAILURE_CODE[failure.failureCode]!;
  return 'The payment did not go through. Ask the customer for another card.';
}

export const UNKNOWN_OUTCOME_MESSAGE = 'We could not confirm the result. Do not re-enter the card — Keyed is checking with Stripe.';
