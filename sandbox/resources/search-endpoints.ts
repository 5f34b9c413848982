/** `GET /v1/{charges,payment_intents,customers}/search`: Stripe's query language over what the sandbox holds. */
import type { Handler } from '../context.ts';
import { invalidRequest, missingParam } from '../errors.ts';
import { allowOnly, optionalInteger, optionalString } from '../params.ts';
import { evaluate, type FieldKind, parseQuery } from '../search.ts';
import type { StoredObject } from '../store.ts';

/** The fields Stripe's search supports on each resource (docs.stripe.com/search#query-fields). */
const CHARGE_FIELDS: Record<string, FieldKind> = {
  amount: 'number',
  'billing_details.address.postal_code': 'string',
  created: 'number',
  currency: 'string',
  customer: 'string',
  disputed: 'boolean',
  metadata: 'metadata',
  'payment_method_details.card.brand': 'string',
  'payment_method_details.card.exp_month': 'number',
  'payment_method_details.card.exp_year': 'number',
  'payment_method_details.card.fingerprint': 'string',
  'payment_method_details.card.last4': 'string',
  refunded: 'boolean',
  status: 'string',
};
const PAYMENT_INTENT_FIELDS: Record<string, FieldKind> = {
  amount: 'number',
  created: 'number',
  currency: 'string',
  customer: 'string',
  metadata: 'metadata',
  status: 'string',
};
const CUSTOMER_FIELDS: Record<string, FieldKind> = { created: 'number', email: 'string', metadata: 'metadata', name: 'string', phone: 'string' };

/** The next page is an opaque token, as on Stripe; here it carries the offset. */
function pageOffset(page: string | undefined): number {
  if (page === undefined) return 0;
  const offset = /^page_([A-Za-z0-9_-]+)$/.exec(page)?.[1];
  const n = offset ? Number(Buffer.from(offset, 'base64url').toString('utf8')) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw invalidRequest('Invalid page: use the next_page value of a previous search result.', { param: 'page' });
  return n;
}

function searchHandler(type: string, resource: string, fields: Record<string, FieldKind>): Handler {
  return (ctx) => {
    const p = ctx.params;
    allowOnly(p, ['query', 'limit', 'page', 'expand']);
    const text = optionalString(p, 'query');
    if (!text) throw missingParam('query');
    const limit = optionalInteger(p, 'limit') ?? 10;
    if (limit < 1 || limit > 100) throw invalidRequest('This value must be greater than or equal to 1 and less than or equal to 100.', { param: 'limit' });
    const query = parseQuery(text, fields, resource);
    const offset = pageOffset(optionalString(p, 'page'));
    const matching = ctx.store
      .all<StoredObject>(type)
      .reverse()
      .filter((o) => !(o as { deleted?: boolean }).deleted && evaluate(query, o, fields));
    const data = matching.slice(offset, offset + limit);
    const hasMore = matching.length > offset + limit;
    return {
      status: 200,
      body: {
        object: 'search_result',
        data,
        has_more: hasMore,
        next_page: hasMore ? `page_${Buffer.from(String(offset + limit)).toString('base64url')}` : null,
        url: `/v1/${resource}/search`,
      },
    };
  };
}

export const searchCharges = searchHandler('charge', 'charges', CHARGE_FIELDS);
export const searchPaymentIntents = searchHandler('payment_intent', 'payment_intents', PAYMENT_INTENT_FIELDS);
export const searchCustomers = searchHandler('customer', 'customers', CUSTOMER_FIELDS);
