/** Customers: create, retrieve, update, delete, list, with `invoice_settings.default_payment_method`. */
import type Stripe from 'stripe';

import type { Handler, RequestContext } from '../context.ts';
import { invalidRequest } from '../errors.ts';
import { newId, nowSeconds, randomToken } from '../ids.ts';
import { allowOnly, applyMetadata, listParams, optionalObject, optionalString, optionalStringArray, type Params } from '../params.ts';
import { shippingParam } from '../shipping.ts';
import { recordEvent } from './events.ts';
import { listBody } from './lists.ts';
import { attachPaymentMethod, detachPaymentMethod } from './payment-method-customers.ts';
import { resolvePaymentMethod } from './payment-methods.ts';

const FIELDS = ['address', 'description', 'email', 'metadata', 'name', 'phone', 'shipping', 'invoice_settings', 'preferred_locales', 'expand'];

/** A customer that exists and is not deleted, or Stripe's `No such customer`. */
export function liveCustomer(ctx: RequestContext, id: string, opts: { param?: string; status?: number } = {}): Stripe.Customer {
  const customer = ctx.store.get<Stripe.Customer>(id, 'customer', { param: opts.param ?? 'customer', status: opts.status });
  if ((customer as { deleted?: boolean }).deleted) {
    throw invalidRequest(`No such customer: '${id}'`, { code: 'resource_missing', param: opts.param ?? 'customer', status: opts.status ?? 404 });
  }
  return customer;
}

function address(p: Params): Stripe.Address | null | undefined {
  if (p.address === undefined) return undefined;
  if (p.address === '') return null;
  const raw = optionalObject(p, 'address') ?? {};
  allowOnly(raw, ['line1', 'line2', 'city', 'state', 'postal_code', 'country'], 'address');
  const field = (k: string) => optionalString(raw, k, `address[${k}]`) || null;
  return {
    city: field('city'),
    country: field('country'),
    line1: field('line1'),
    line2: field('line2'),
    postal_code: field('postal_code'),
    state: field('state'),
  };
}

function checkEmail(p: Params): string | null | undefined {
  const email = optionalString(p, 'email');
  if (email === undefined || email === '') return email === '' ? null : undefined;
  if (email.length > 512 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw invalidRequest(`Invalid email address: ${email}`, { param: 'email', code: 'email_invalid' });
  return email;
}

/** The fields create and update share; `default_payment_method` must be one of this customer's. */
function applyFields(ctx: RequestContext, customer: Stripe.Customer, p: Params): Stripe.Customer {
  let next = customer;
  const addr = address(p);
  if (addr !== undefined) next = { ...next, address: addr };
  const email = checkEmail(p);
  if (email !== undefined) next = { ...next, email };
  for (const key of ['description', 'name', 'phone'] as const) {
    if (p[key] !== undefined) next = { ...next, [key]: optionalString(p, key) || null };
  }
  if (p.metadata !== undefined) next = { ...next, metadata: applyMetadata(next.metadata, p) };
  if (p.shipping !== undefined) next = { ...next, shipping: shippingParam(p) };
  const locales = optionalStringArray(p, 'preferred_locales');
  if (locales) next = { ...next, preferred_locales: locales.filter((l) => l !== '') };
  const settings = optionalObject(p, 'invoice_settings');
  if (settings) {
    allowOnly(settings, ['default_payment_method', 'footer', 'custom_fields', 'rendering_options'], 'invoice_settings');
    const pmId = optionalString(settings, 'default_payment_method', 'invoice_settings[default_payment_method]');
    if (pmId) {
      const pm = resolvePaymentMethod(ctx, pmId, { param: 'invoice_settings[default_payment_method]' });
      if (pm.customer !== next.id) {
        throw invalidRequest(`The customer does not have a payment method with the ID ${pmId}. The payment method must be attached to the customer.`, {
          param: 'invoice_settings[default_payment_method]',
        });
      }
    }
    const footer = optionalString(settings, 'footer', 'invoice_settings[footer]');
    next = {
      ...next,
      invoice_settings: {
        ...next.invoice_settings,
        ...(pmId !== undefined ? { default_payment_method: pmId || null } : {}),
        ...(footer !== undefined ? { footer: footer || null } : {}),
      },
    };
  }
  return next;
}

export const createCustomer: Handler = (ctx) => {
  const p = ctx.params;
  allowOnly(p, [...FIELDS, 'payment_method']);
  const id = newId('cus');
  let customer: Stripe.Customer = {
    id,
    object: 'customer',
    address: null,
    balance: 0,
    created: nowSeconds(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    invoice_prefix: randomToken(8).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
  ctx.store.insert(customer);
  // `payment_method` attaches a card at creation; it may then be the invoice default.
  const pmId = optionalString(p, 'payment_method');
  if (pmId) attachPaymentMethod(ctx, pmId, customer.id, 'payment_method');
  customer = applyFields(ctx, customer, p);
  ctx.store.update(customer);
  recordEvent(ctx, 'customer.created', customer);
  return { status: 200, body: customer };
};

export const retrieveCustomer: Handler = (ctx, { id }) => {
  allowOnly(ctx.params, ['expand']);
  // A deleted customer is still retrievable, as `{ id, object, deleted: true }`.
  return { status: 200, body: ctx.store.get<Stripe.Customer>(id, 'customer', { param: 'customer' }) };
};

export const updateCustomer: Handler = (ctx, { id }) => {
  const p = ctx.params;
  allowOnly(p, FIELDS);
  const before = liveCustomer(ctx, id);
  const customer = applyFields(ctx, before, p);
  const previous: Record<string, unknown> = {};
  for (const key of Object.keys(customer) as (keyof Stripe.Customer)[]) {
    if (JSON.stringify(customer[key]) !== JSON.stringify(before[key])) previous[key] = before[key];
  }
  ctx.store.update(customer);
  if (Object.keys(previous).length > 0) recordEvent(ctx, 'customer.updated', customer, previous);
  return { status: 200, body: customer };
};

/** Deleting a customer detaches its payment methods; the id then answers as deleted. */
export const deleteCustomer: Handler = (ctx, { id }) => {
  allowOnly(ctx.params, []);
  const customer = liveCustomer(ctx, id);
  for (const pm of ctx.store.list<Stripe.PaymentMethod>('payment_method', { limit: 100, where: { customer: id } }).data) {
    detachPaymentMethod(ctx, pm.id);
  }
  const deleted: Stripe.DeletedCustomer = { id, object: 'customer', deleted: true };
  ctx.store.update(deleted as unknown as Stripe.Customer);
  recordEvent(ctx, 'customer.deleted', customer);
  return { status: 200, body: deleted };
};

export const listCustomers: Handler = (ctx) => {
  const q = listParams(ctx.params, ['email', 'test_clock']);
  const email = optionalString(ctx.params, 'email');
  const page = ctx.store.list<Stripe.Customer>('customer', { ...q, where: { email }, excludeDeleted: true });
  return { status: 200, body: listBody('/v1/customers', page) };
};
