// ——— what the history is made of ———

export type Decline = { code: string; decline: string | null; message: string };

/** Stripe's codes and messages, as the sandbox answers them. Weights are shares of all attempts. */
export const DECLINES: readonly (readonly [Decline, number])[] = [
  [{ code: 'card_declined', decline: 'insufficient_funds', message: 'Your card has insufficient funds.' }, 0.025],
  [{ code: 'card_declined', decline: 'generic_decline', message: 'Your card was declined.' }, 0.02],
  [{ code: 'expired_card', decline: 'expired_card', message: 'Your card has expired.' }, 0.008],
  [{ code: 'incorrect_cvc', decline: 'incorrect_cvc', message: "Your card's security code is incorrect." }, 0.008],
  [{ code: 'card_declined', decline: 'lost_card', message: 'Your card was declined.' }, 0.0015],
  [{ code: 'card_declined', decline: 'stolen_card', message: 'Your card was declined.' }, 0.001],
  [{ code: 'processing_error', decline: 'processing_error', message: 'An error occurred while processing your card. Try again in a little bit.' }, 0.004],
];
export const DECLINE_SHARE = DECLINES.reduce((sum, [, w]) => sum + w, 0);
export const BLOCKED_SHARE = 0.001;

export const AUTHENTICATION: Decline = {
  code: 'authentication_required',
  decline: 'authentication_not_handled',
  message:
    "This payment required an authentication action to complete, but `error_on_requires_action` was set. When you're ready, you can upgrade your integration to handle actions at https://stripe.com/docs/payments/payment-intents/upgrade-to-handle-actions.",
};
export const COUNTRY_BLOCKED_MESSAGE = 'This business accepts cards from US, CA only. Ask for another card.';

export const BRANDS = [
  ['visa', 55],
  ['mastercard', 30],
  ['amex', 10],
  ['discover', 4],
  ['jcb', 1],
] as const;
export const FUNDING = [
  ['credit', 70],
  ['debit', 27],
  ['prepaid', 3],
] as const;
export const USD_COUNTRIES = [
  ['US', 93],
  ['CA', 5],
  ['GB', 1],
  ['MX', 1],
] as const;
export const CAD_COUNTRIES = [
  ['CA', 85],
  ['US', 13],
  ['GB', 1],
  ['FR', 1],
] as const;

export const FIRST = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Lucas',
  'Chloé',
  'Mateo',
  'Priya',
  'Wei',
  'Fatima',
  'Jonah',
  'Maya',
  'Étienne',
  'Grace',
  'Omar',
  'Hannah',
  'Diego',
  'Aiko',
  'Samuel',
  'Nora',
  'Kofi',
  'Léa',
  'Ethan',
];
export const LAST = [
  'Smith',
  'Tremblay',
  'Nguyen',
  'Garcia',
  'Roy',
  'Patel',
  'Johnson',
  'Gagnon',
  'Chen',
  'Brown',
  'Côté',
  'Okafor',
  'Martin',
  'Kim',
  'Lavoie',
  'Williams',
  'Singh',
  'Fortin',
  'Lopez',
  'Morin',
  'Davis',
  'Bouchard',
  'Ali',
  'Wilson',
];
export const BUSINESSES = [
  'Harbour Supply',
  'Prairie Dental',
  'Maple Outfitters',
  'Blue Heron Books',
  'Summit Rentals',
  'Lakeside Catering',
  'Cedar Landscaping',
  'Northwind Clinic',
  'Riverbend Vet',
  'Atlantic Marine',
  'Sunrise Studio',
  'Granite Works',
];
export const DESCRIPTIONS = [
  'Phone order',
  'Balance due',
  'Deposit',
  'Repair service',
  'Replacement parts',
  'Catering order',
  'Annual plan',
  'Custom order',
  'Delivery and setup',
  'Class registration',
];

export const HISTORY_STAFF = [
  ['Avery Patel', 'avery.patel'],
  ['Jordan Tremblay', 'jordan.tremblay'],
  ['Riley Chen', 'riley.chen'],
  ['Casey Okafor', 'casey.okafor'],
  ['Morgan Gagnon', 'morgan.gagnon'],
  ['Quinn Garcia', 'quinn.garcia'],
] as const;
