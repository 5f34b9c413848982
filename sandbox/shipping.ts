/** `shipping` as charges and PaymentIntents take it: name and address required, the rest optional. */
import type Stripe from 'stripe';

import { invalidRequest, missingParam } from './errors.ts';
import { allowOnly, optionalObject, optionalString, type Params } from './params.ts';

export function shippingParam(p: Params): Stripe.Charge.Shipping | null {
  if (p.shipping === '') return null;
  const shipping = optionalObject(p, 'shipping');
  if (!shipping) throw invalidRequest('Invalid object', { param: 'shipping', code: 'parameter_invalid_object' });
  allowOnly(shipping, ['name', 'address', 'phone', 'carrier', 'tracking_number'], 'shipping');
  const name = optionalString(shipping, 'name', 'shipping[name]');
  if (!name) throw missingParam('shipping[name]');
  const address = optionalObject(shipping, 'address');
  if (!address) throw missingParam('shipping[address]');
  allowOnly(address, ['line1', 'line2', 'city', 'state', 'postal_code', 'country'], 'shipping[address]');
  const field = (k: string) => optionalString(address, k, `shipping[address][${k}]`) || null;
  return {
    address: {
      city: field('city'),
      country: field('country'),
      line1: field('line1'),
      line2: field('line2'),
      postal_code: field('postal_code'),
      state: field('state'),
    },
    carrier: optionalString(shipping, 'carrier', 'shipping[carrier]') || null,
    name,
    phone: optionalString(shipping, 'phone', 'shipping[phone]') || null,
    tracking_number: optionalString(shipping, 'tracking_number', 'shipping[tracking_number]') || null,
  };
}
