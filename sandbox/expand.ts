/** `expand[]` for the references the sandbox models, including `data.` on lists and dotted paths. */
import type Stripe from 'stripe';

import { invalidRequest } from './errors.ts';
import { isRecord } from './params.ts';
import type { Store } from './store.ts';

const EXPANDABLE: Record<string, Record<string, string>> = {
  payment_intent: { latest_charge: 'charge', payment_method: 'payment_method', customer: 'customer' },
  payment_method: { customer: 'customer' },
  charge: { payment_intent: 'payment_intent', refunds: 'refunds', customer: 'customer', payment_method: 'payment_method' },
  refund: { charge: 'charge', payment_intent: 'payment_intent', payment_method: 'payment_method' },
  dispute: { charge: 'charge', payment_intent: 'payment_intent' },
};

export function applyExpand(store: Store, body: unknown, paths: string[]): unknown {
  let result = body;
  for (const path of paths) result = expandPath(store, result, path.split('.'), path);
  return result;
}

function expandPath(store: Store, value: unknown, segments: string[], full: string): unknown {
  if (!isRecord(value) || segments.length === 0) return value;
  const [head, ...rest] = segments;
  if (value.object === 'list' && head === 'data' && Array.isArray(value.data)) {
    return { ...value, data: value.data.map((item) => expandPath(store, item, rest, full)) };
  }
  const objectType = typeof value.object === 'string' ? value.object : '';
  const target = EXPANDABLE[objectType]?.[head];
  if (!target) throw invalidRequest(`This property cannot be expanded (${head}).`, { param: 'expand' });
  let field = value[head];
  if (target === 'refunds') {
    const data = store.list<Stripe.Refund>('refund', { limit: 100, where: { charge: String(value.id) } });
    field = { object: 'list', data: data.data, has_more: data.hasMore, url: `/v1/charges/${String(value.id)}/refunds` };
  } else if (typeof field === 'string') {
    field = store.find(field, target) ?? field;
  }
  return { ...value, [head]: rest.length ? expandPath(store, field, rest, full) : field };
}
