/** The Stripe API surface the sandbox emulates. */
import type { Handler } from './context.ts';
import { capturePaymentIntent } from './resources/capture.ts';
import { listCharges, retrieveCharge, updateCharge } from './resources/charges.ts';
import { createCustomer, deleteCustomer, listCustomers, retrieveCustomer, updateCustomer } from './resources/customers.ts';
import { listDisputes, retrieveDispute } from './resources/disputes.ts';
import { listEvents, retrieveEvent } from './resources/events.ts';
import { confirmPaymentIntent } from './resources/payment-intent-actions.ts';
import { cancelPaymentIntent, createPaymentIntent, listPaymentIntents, retrievePaymentIntent, updatePaymentIntent } from './resources/payment-intents.ts';
import {
  attachPaymentMethodHandler,
  detachPaymentMethodHandler,
  listCustomerPaymentMethods,
  listPaymentMethods,
  retrieveCustomerPaymentMethod,
  updatePaymentMethod,
} from './resources/payment-method-customers.ts';
import { createPaymentMethod, retrievePaymentMethod } from './resources/payment-methods.ts';
import { cancelRefund, createRefund, listRefunds, retrieveRefund, updateRefund } from './resources/refunds.ts';
import { searchCharges, searchCustomers, searchPaymentIntents } from './resources/search-endpoints.ts';
import { cancelSetupIntent, confirmSetupIntent, createSetupIntent, listSetupIntents, retrieveSetupIntent } from './resources/setup-intents.ts';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookEndpoints,
  retrieveWebhookEndpoint,
  updateWebhookEndpoint,
} from './resources/webhook-endpoints.ts';

export interface Route {
  /** As written in ROUTES, e.g. `/v1/payment_intents/:id/confirm`. */
  path: string;
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  handler: Handler;
  /** Publishable keys may call only what Stripe.js calls. */
  publishable?: boolean;
}

const ID = '(?<id>(?!search$)[A-Za-z0-9_]+)';
const route = (method: Route['method'], path: string, handler: Handler, publishable = false): Route => ({
  method,
  path,
  pattern: new RegExp(`^${path.replace(':id', ID).replace(':pm', '(?<pm>[A-Za-z0-9_]+)')}$`),
  handler,
  publishable,
});

const ROUTES: Route[] = [
  // Before the /:id routes, which would otherwise read `search` as an id.
  route('GET', '/v1/charges/search', searchCharges),
  route('GET', '/v1/payment_intents/search', searchPaymentIntents),
  route('GET', '/v1/customers/search', searchCustomers),
  route('POST', '/v1/payment_methods', createPaymentMethod, true),
  route('GET', '/v1/payment_methods', listPaymentMethods),
  route('GET', '/v1/payment_methods/:id', retrievePaymentMethod),
  route('POST', '/v1/payment_methods/:id', updatePaymentMethod),
  route('POST', '/v1/payment_methods/:id/attach', attachPaymentMethodHandler),
  route('POST', '/v1/payment_methods/:id/detach', detachPaymentMethodHandler),
  route('POST', '/v1/customers', createCustomer),
  route('GET', '/v1/customers', listCustomers),
  route('GET', '/v1/customers/:id', retrieveCustomer),
  route('POST', '/v1/customers/:id', updateCustomer),
  route('DELETE', '/v1/customers/:id', deleteCustomer),
  route('GET', '/v1/customers/:id/payment_methods', listCustomerPaymentMethods),
  route('GET', '/v1/customers/:id/payment_methods/:pm', retrieveCustomerPaymentMethod),
  route('POST', '/v1/payment_intents', createPaymentIntent),
  route('GET', '/v1/payment_intents', listPaymentIntents),
  route('GET', '/v1/payment_intents/:id', retrievePaymentIntent, true),
  route('POST', '/v1/payment_intents/:id', updatePaymentIntent),
  route('POST', '/v1/payment_intents/:id/confirm', confirmPaymentIntent, true),
  route('POST', '/v1/payment_intents/:id/cancel', cancelPaymentIntent),
  route('POST', '/v1/payment_intents/:id/capture', capturePaymentIntent),
  route('POST', '/v1/setup_intents', createSetupIntent),
  route('GET', '/v1/setup_intents', listSetupIntents),
  route('GET', '/v1/setup_intents/:id', retrieveSetupIntent, true),
  route('POST', '/v1/setup_intents/:id/confirm', confirmSetupIntent, true),
  route('POST', '/v1/setup_intents/:id/cancel', cancelSetupIntent),
  route('GET', '/v1/charges', listCharges),
  route('GET', '/v1/charges/:id', retrieveCharge),
  route('POST', '/v1/charges/:id', updateCharge),
  route('POST', '/v1/refunds', createRefund),
  route('GET', '/v1/refunds', listRefunds),
  route('GET', '/v1/refunds/:id', retrieveRefund),
  route('POST', '/v1/refunds/:id', updateRefund),
  route('POST', '/v1/refunds/:id/cancel', cancelRefund),
  route('GET', '/v1/disputes', listDisputes),
  route('GET', '/v1/disputes/:id', retrieveDispute),
  route('GET', '/v1/events', listEvents),
  route('GET', '/v1/events/:id', retrieveEvent),
  route('POST', '/v1/webhook_endpoints', createWebhookEndpoint),
  route('GET', '/v1/webhook_endpoints', listWebhookEndpoints),
  route('GET', '/v1/webhook_endpoints/:id', retrieveWebhookEndpoint),
  route('POST', '/v1/webhook_endpoints/:id', updateWebhookEndpoint),
  route('DELETE', '/v1/webhook_endpoints/:id', deleteWebhookEndpoint),
];

/** Every method and path the sandbox answers (the contract suite checks it reached each). */
export const ROUTE_LIST = ROUTES.map(({ method, path }) => ({ method, path }));

export function matchRoute(method: string, path: string): { route: Route; params: Record<string, string> } | 'method_not_allowed' | undefined {
  let pathMatched = false;
  for (const r of ROUTES) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (r.method === method) return { route: r, params: { ...(m.groups ?? {}) } };
  }
  return pathMatched ? 'method_not_allowed' : undefined;
}
