import type Stripe from 'stripe';

import type { ListPage } from '../store.ts';

export function listBody<T>(url: string, page: ListPage<T>): Stripe.ApiList<T> {
  return { object: 'list', data: page.data, has_more: page.hasMore, url };
}
