/**
 * PaymentMethods and Customers: attach, detach, update, list, and the reuse rule Stripe enforces —
 * a PaymentMethod not attached to a Customer serves one PaymentIntent only, and a detached one none.
 */
import type Stripe from 'stripe';

import type { Handler, RequestContext } from '../context.ts';
import { invalidRequest, missingParam } from '../errors.ts';
import { allowOnly, applyMetadata, listParams, optionalInteger, optionalObject, optionalString, type Params } from '../params.ts';
import { liveCustomer } from './customers.ts';
import { recordEvent } from './events.ts';
import { listBody } from './lists.ts';
import { paymentMethodInternal, resolvePaymentMethod } from './payment-methods.ts';

const REUSED_MESSAGE =
  'The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.';

/** Whether `pm` may serve `intent` (a PaymentIntent or SetupIntent) for `customer`; throws Stripe's refusal if not. */
export function checkUsable(
  ctx: RequestContext,
  pm: Stripe.PaymentMethod,
  use: { intentId: string; customer: string | null; kind: 'PaymentIntent' | 'SetupIntent'; param: string },
): void {
  const internal = paymentMethodInternal(ctx, pm.id);
  if (internal.detached || (!pm.customer && internal.consumedBy && internal.consumedBy !== use.intentId)) {
    throw invalidRequest(REUSED_MESSAGE, { param: use.param });
  }
  if (pm.customer && !use.customer) {
    throw invalidRequest(
      `The \`payment_method\` parameter supplied ${pm.id} belongs to the Customer ${pm.customer}. Please include the Customer in the \`customer\` parameter on the ${use.kind}.`,
      { param: use.param },
    );
  }
  if (pm.customer && use.customer && pm.customer !== use.customer) {
    throw invalidRequest(`The customer does not have a payment method with the ID ${pm.id}. The payment method must be attached to the customer.`, {
      param: use.param,
    });
  }
}

/** After a payment: an unattached PaymentMethod is spent on this intent. */
export function consumePaymentMethod(ctx: RequestContext, pmId: string, intentId: string): void {
  const pm = ctx.store.find<Stripe.PaymentMethod>(pmId, 'payment_method');
  if (!pm || pm.customer) return;
  const internal = paymentMethodInternal(ctx, pmId);
  if (!internal.consumedBy) ctx.store.update(pm, { ...internal, consumedBy: intentId });
}

export function attachPaymentMethod(ctx: RequestContext, pmId: string, customerId: string, param = 'payment_method'): Stripe.PaymentMethod {
  const customer = liveCustomer(ctx, customerId, { param: 'customer', status: 400 });
  const pm = resolvePaymentMethod(ctx, pmId, { param, status: param === 'payment_method' ? 400 : 404 });
  if (pm.customer === customer.id) return pm;
  if (pm.customer) throw invalidRequest('The payment method you provided has already been attached to a customer.', { param: 'customer' });
  const internal = paymentMethodInternal(ctx, pm.id);
  if (internal.detached || internal.consumedBy) {
    throw invalidRequest(
      'This PaymentMethod was previously used without being attached to a Customer or was detached from a Customer, and may not be used again.',
      { param },
    );
  }
  const attached: Stripe.PaymentMethod = { ...pm, customer: customer.id };
  ctx.store.update(attached);
  recordEvent(ctx, 'payment_method.attached', attached);
  return attached;
}

export function detachPaymentMethod(ctx: RequestContext, pmId: string): Stripe.PaymentMethod {
  const pm = resolvePaymentMethod(ctx, pmId, { param: 'payment_method', status: 404 });
  if (!pm.customer) {
    throw invalidRequest('The payment method you provided is not attached to a customer so detachment is impossible.', { param: 'payment_method' });
  }
  const owner = typeof pm.customer === 'string' ? pm.customer : pm.customer.id;
  const customer = ctx.store.find<Stripe.Customer>(owner, 'customer');
  if (customer?.invoice_settings?.default_payment_method === pm.id) {
    ctx.store.update({ ...customer, invoice_settings: { ...customer.invoice_settings, default_payment_method: null } });
  }
  const detached: Stripe.PaymentMethod = { ...pm, customer: null };
  ctx.store.update(detached, { ...paymentMethodInternal(ctx, pm.id), detached: true });
  recordEvent(ctx, 'payment_method.detached', detached, { customer: owner });
  return detached;
}

export const attachPaymentMethodHandler: Handler = (ctx, { id }) => {
  allowOnly(ctx.params, ['customer', 'expand']);
  const customer = optionalString(ctx.params, 'customer');
  if (!customer) throw missingParam('customer');
  return { status: 200, body: attachPaymentMethod(ctx, id, customer, 'payment_method') };
};

export const detachPaymentMethodHandler: Handler = (ctx, { id }) => {
  allowOnly(ctx.params, ['expand']);
  return { status: 200, body: detachPaymentMethod(ctx, id) };
};

function cardUpdate(p: Params, card: Stripe.PaymentMethod.Card): Stripe.PaymentMethod.Card {
  const raw = optionalObject(p, 'card');
  if (!raw) return card;
  allowOnly(raw, ['exp_month', 'exp_year', 'networks'], 'card');
  const month = optionalInteger(raw, 'exp_month', 'card[exp_month]') ?? card.exp_month;
  let year = optionalInteger(raw, 'exp_year', 'card[exp_year]') ?? card.exp_year;
  if (year < 100) year += 2000;
  if (month < 1 || month > 12) throw invalidRequest("Your card's expiration month is invalid.", { param: 'card[exp_month]', code: 'invalid_expiry_month' });
  const now = new Date();
  if (year < now.getUTCFullYear() || (year === now.getUTCFullYear() && month < now.getUTCMonth() + 1) || year > now.getUTCFullYear() + 50) {
    throw invalidRequest("Your card's expiration year is invalid.", { param: 'card[exp_year]', code: 'invalid_expiry_year' });
  }
  return { ...card, exp_month: month, exp_year: year };
}

/** Stripe updates only saved cards: billing details, metadata, expiry. */
export const updatePaymentMethod: Handler = (ctx, { id }) => {
  const p = ctx.params;
  allowOnly(p, ['billing_details', 'metadata', 'card', 'allow_redisplay', 'expand']);
  const before = resolvePaymentMethod(ctx, id, { param: 'payment_method', status: 404 });
  if (!before.customer) throw invalidRequest('You must save this PaymentMethod to a customer before you can update it.', { param: 'payment_method' });
  let pm: Stripe.PaymentMethod = { ...before, card: cardUpdate(p, before.card!) };
  if (p.metadata !== undefined) pm = { ...pm, metadata: applyMetadata(pm.metadata ?? {}, p) };
  const billing = optionalObject(p, 'billing_details');
  if (billing) {
    allowOnly(billing, ['name', 'email', 'phone', 'address', 'tax_id'], 'billing_details');
    const address = optionalObject(billing, 'address');
    if (address) allowOnly(address, ['line1', 'line2', 'city', 'state', 'postal_code', 'country'], 'billing_details[address]');
    const text = (source: Params, key: string, param: string, current: string | null) => {
      const value = optionalString(source, key, param);
      return value === undefined ? current : value || null;
    };
    const a = before.billing_details.address;
    pm = {
      ...pm,
      billing_details: {
        address: {
          city: text(address ?? {}, 'city', 'billing_details[address][city]', a?.city ?? null),
          country: text(address ?? {}, 'country', 'billing_details[address][country]', a?.country ?? null),
          line1: text(address ?? {}, 'line1', 'billing_details[address][line1]', a?.line1 ?? null),
          line2: text(address ?? {}, 'line2', 'billing_details[address][line2]', a?.line2 ?? null),
          postal_code: text(address ?? {}, 'postal_code', 'billing_details[address][postal_code]', a?.postal_code ?? null),
          state: text(address ?? {}, 'state', 'billing_details[address][state]', a?.state ?? null),
        },
        email: text(billing, 'email', 'billing_details[email]', before.billing_details.email),
        name: text(billing, 'name', 'billing_details[name]', before.billing_details.name),
        phone: text(billing, 'phone', 'billing_details[phone]', before.billing_details.phone),
        tax_id: text(billing, 'tax_id', 'billing_details[tax_id]', before.billing_details.tax_id ?? null),
      },
    };
  }
  const redisplay = optionalString(p, 'allow_redisplay');
  if (redisplay !== undefined) {
    if (!['always', 'limited', 'unspecified'].includes(redisplay))
      throw invalidRequest('Invalid allow_redisplay: must be one of always, limited, unspecified', { param: 'allow_redisplay' });
    pm = { ...pm, allow_redisplay: redisplay as Stripe.PaymentMethod.AllowRedisplay };
  }
  ctx.store.update(pm);
  recordEvent(ctx, 'payment_method.updated', pm);
  return { status: 200, body: pm };
};

export const listPaymentMethods: Handler = (ctx) => {
  const q = listParams(ctx.params, ['customer', 'type', 'allow_redisplay']);
  const type = optionalString(ctx.params, 'type');
  if (type !== undefined && type !== 'card') return { status: 200, body: listBody('/v1/payment_methods', { data: [], hasMore: false }) };
  const customer = optionalString(ctx.params, 'customer');
  if (customer) liveCustomer(ctx, customer, { status: 400 });
  const page = ctx.store.list<Stripe.PaymentMethod>('payment_method', { ...q, where: { customer } });
  return { status: 200, body: listBody('/v1/payment_methods', page) };
};

export const listCustomerPaymentMethods: Handler = (ctx, { id }) => {
  const q = listParams(ctx.params, ['type', 'allow_redisplay']);
  liveCustomer(ctx, id);
  const page = ctx.store.list<Stripe.PaymentMethod>('payment_method', { ...q, where: { customer: id } });
  return { status: 200, body: listBody(`/v1/customers/${id}/payment_methods`, page) };
};

export const retrieveCustomerPaymentMethod: Handler = (ctx, { id, pm }) => {
  allowOnly(ctx.params, ['expand']);
  liveCustomer(ctx, id);
  const found = ctx.store.find<Stripe.PaymentMethod>(pm, 'payment_method');
  if (!found || found.customer !== id)
    throw invalidRequest(`No such PaymentMethod: '${pm}'`, { code: 'resource_missing', param: 'payment_method', status: 404 });
  return { status: 200, body: found };
};
