import type Stripe from 'stripe';

import type { Handler } from '../context.ts';
import { invalidRequest } from '../errors.ts';
import { newId, nowSeconds, randomToken } from '../ids.ts';
import { allowOnly, applyMetadata, listParams, optionalString, optionalStringArray, requiredString } from '../params.ts';
import { API_VERSION } from '../version.ts';
import { listBody } from './lists.ts';

export interface WebhookEndpointInternal {
  secret: string;
}

function newWebhookSecret(): string {
  return `whsec_${randomToken(32)}`;
}

export const createWebhookEndpoint: Handler = (ctx) => {
  const p = ctx.params;
  allowOnly(p, ['url', 'enabled_events', 'description', 'metadata', 'api_version', 'connect', 'expand']);
  const url = requiredString(p, 'url');
  if (!/^https?:\/\/[^\s]+$/.test(url)) throw invalidRequest('Invalid URL: must be an http(s) URL.', { param: 'url', code: 'url_invalid' });
  const enabled = optionalStringArray(p, 'enabled_events');
  if (!enabled || enabled.length === 0) {
    throw invalidRequest('Missing required param: enabled_events.', { param: 'enabled_events', code: 'parameter_missing' });
  }
  const secret = newWebhookSecret();
  const endpoint: Stripe.WebhookEndpoint = {
    id: newId('we'),
    object: 'webhook_endpoint',
    api_version: optionalString(p, 'api_version') ?? API_VERSION,
    application: null,
    created: nowSeconds(),
    description: optionalString(p, 'description') ?? null,
    enabled_events: enabled,
    livemode: false,
    metadata: applyMetadata({}, p),
    status: 'enabled',
    url,
  };
  const internal: WebhookEndpointInternal = { secret };
  ctx.store.insert(endpoint, internal);
  // Like Stripe, the secret is shown only in the creation response.
  return { status: 200, body: { ...endpoint, secret } };
};

export const retrieveWebhookEndpoint: Handler = (ctx, { id }) => {
  allowOnly(ctx.params, ['expand']);
  return {
    status: 200,
    body: ctx.store.get<Stripe.WebhookEndpoint>(id, 'webhook_endpoint', { param: 'webhook_endpoint' }),
  };
};

export const listWebhookEndpoints: Handler = (ctx) => {
  const page = ctx.store.list<Stripe.WebhookEndpoint>('webhook_endpoint', listParams(ctx.params));
  return { status: 200, body: listBody('/v1/webhook_endpoints', page) };
};

export const deleteWebhookEndpoint: Handler = (ctx, { id }) => {
  ctx.store.get<Stripe.WebhookEndpoint>(id, 'webhook_endpoint', { param: 'webhook_endpoint' });
  ctx.store.delete(id);
  const deleted: Stripe.DeletedWebhookEndpoint = { id, object: 'webhook_endpoint', deleted: true };
  return { status: 200, body: deleted };
};
