import type Stripe from 'stripe';

import type { Handler, RequestContext } from '../context.ts';
import { newId, nowSeconds } from '../ids.ts';
import { allowOnly, listParams, optionalString, optionalStringArray } from '../params.ts';
import { API_VERSION } from '../version.ts';
import { listBody } from './lists.ts';

type EventType = Stripe.Event['type'];
type EventOf<T extends EventType> = Extract<Stripe.Event, { type: T }>;

/** Store an event in the same transaction as the change it describes. */
export function recordEvent<T extends EventType>(
  ctx: RequestContext,
  type: T,
  object: EventOf<T>['data']['object'],
  previousAttributes?: Record<string, unknown>,
): EventOf<T> {
  const data = previousAttributes ? { object, previous_attributes: previousAttributes } : { object };
  const event = {
    id: newId('evt'),
    object: 'event',
    api_version: API_VERSION,
    created: nowSeconds(),
    data,
    livemode: false,
    pending_webhooks: ctx.countEndpoints(type),
    request: { id: ctx.requestId, idempotency_key: ctx.idempotencyKey },
    type,
  } as unknown as EventOf<T>;
  ctx.store.insert(event);
  ctx.events.push(event);
  return event;
}

export const retrieveEvent: Handler = (ctx, { id }) => {
  allowOnly(ctx.params, ['expand']);
  return { status: 200, body: ctx.store.get<Stripe.Event>(id, 'event') };
};

export const listEvents: Handler = (ctx) => {
  const q = listParams(ctx.params, ['type', 'types', 'delivery_success']);
  const type = optionalString(ctx.params, 'type');
  const types = optionalStringArray(ctx.params, 'types');
  if (!types) {
    // `type` may end in `*` (e.g. `charge.*`), as in Stripe.
    if (type?.endsWith('*')) {
      const prefix = type.slice(0, -1);
      return filtered(ctx, q, (e) => e.type.startsWith(prefix));
    }
    const page = ctx.store.list<Stripe.Event>('event', { ...q, where: { type } });
    return { status: 200, body: listBody('/v1/events', page) };
  }
  return filtered(ctx, q, (e) => types.includes(e.type));
};

function filtered(ctx: RequestContext, q: ReturnType<typeof listParams>, keep: (e: Stripe.Event) => boolean) {
  // Small data sets: scan pages until enough matches are found.
  const out: Stripe.Event[] = [];
  let cursor = q.startingAfter;
  const backwards = q.endingBefore !== undefined;
  let before = q.endingBefore;
  for (;;) {
    const page = ctx.store.list<Stripe.Event>('event', {
      created: q.created,
      limit: 100,
      startingAfter: backwards ? undefined : cursor,
      endingBefore: backwards ? before : undefined,
    });
    const items = backwards ? [...page.data].reverse() : page.data;
    for (const e of items) {
      if (keep(e)) out.push(e);
      if (out.length > q.limit) break;
    }
    if (out.length > q.limit || !page.hasMore || page.data.length === 0) break;
    if (backwards) before = page.data[0].id;
    else cursor = page.data[page.data.length - 1].id;
  }
  const hasMore = out.length > q.limit;
  const data = out.slice(0, q.limit);
  if (backwards) data.reverse();
  return { status: 200, body: listBody('/v1/events', { data, hasMore }) };
}
