// The choices the charge filter offers, shared by the page and the server (which validates any value).

/** The decline-code choice that stands for every spelling of "the bank wanted authentication". */
export const AUTHENTICATION_REQUIRED_FILTER = 'authentication_required';

/** Codes offered in the filter's menu (any other well-formed code typed into the URL works too). */
export const DECLINE_CODE_CHOICES = [
  AUTHENTICATION_REQUIRED_FILTER,
  'insufficient_funds',
  'generic_decline',
  'expired_card',
  'incorrect_cvc',
  'lost_card',
  'stolen_card',
  'processing_error',
  'fraudulent',
  'card_velocity_exceeded',
  'country_not_allowed',
] as const;

export const CARD_BRANDS = ['visa', 'mastercard', 'amex', 'discover', 'jcb', 'diners', 'unionpay'] as const;
