import type Stripe from 'stripe';

import type { Handler } from '../context.ts';
import { invalidRequest } from '../errors.ts';
import { newId, nowSeconds, randomToken } from '../ids.ts';
import { allowOnly, applyMetadata, listParams, optionalBoolean, optionalString, optionalStringArray, type Params, requiredString } from '../params.ts';
import { API_VERSION, unsupportedVersion } from '../version.ts';
import { listBody } from './lists.ts';

export interface WebhookEndpointInternal {
  secret: string;
}

function newWebhookSecret(): string {
  return `whsec_${randomToken(32)}`;
}

function validUrl(p: Params): string {
  const url = requiredString(p, 'url');
  if (!/^https?:\/\/[^\s]+$/.test(url)) throw invalidRequest('Invalid URL: must be an http(s) URL.', { param: 'url', code: 'url_invalid' });
  return url;
}

function enabledEvents(p: Params): string[] {
  // An empty list arrives form-encoded as `enabled_events=`.
  const enabled = optionalStringArray(p, 'enabled_events')?.filter((e) => e !== '');
  if (!enabled || enabled.length === 0) {
    throw invalidRequest('Missing required param: enabled_events.', { param: 'enabled_events', code: 'parameter_missing' });
  }
  return enabled;
}

export const createWebhookEndpoint: Handler = (ctx) => {
  const p = ctx.params;
  allowOnly(p, ['url', 'enabled_events', 'description', 'metadata', 'api_version', 'connect', 'expand']);
  const url = validUrl(p);
  const enabled = enabledEvents(p);
  // Events are built in API_VERSION only, so an endpoint cannot ask for another version's shapes.
  const apiVersion = optionalString(p, 'api_version');
  if (apiVersion !== undefined && apiVersion !== API_VERSION) throw unsupportedVersion(apiVersion, 'api_version');
  const secret = newWebhookSecret();
  const endpoint: Stripe.WebhookEndpoint = {
    id: newId('we'),
    object: 'webhook_endpoint',
    api_version: API_VERSION,
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

export const updateWebhookEndpoint: Handler = (ctx, { id }) => {
  const p = ctx.params;
  allowOnly(p, ['url', 'enabled_events', 'description', 'metadata', 'disabled', 'expand']);
  let endpoint = ctx.store.get<Stripe.WebhookEndpoint>(id, 'webhook_endpoint', { param: 'webhook_endpoint' });
  if (p.url !== undefined) endpoint = { ...endpoint, url: validUrl(p) };
  if (p.enabled_events !== undefined) endpoint = { ...endpoint, enabled_events: enabledEvents(p) };
  if (p.description !== undefined) endpoint = { ...endpoint, description: optionalString(p, 'description') || null };
  if (p.metadata !== undefined) endpoint = { ...endpoint, metadata: applyMetadata(endpoint.metadata, p) };
  const disabled = optionalBoolean(p, 'disabled');
  if (disabled !== undefined) endpoint = { ...endpoint, status: disabled ? 'disabled' : 'enabled' };
  ctx.store.update(endpoint);
  return { status: 200, body: endpoint };
};

export const deleteWebhookEndpoint: Handler = (ctx, { id }) => {
  ctx.store.get<Stripe.WebhookEndpoint>(id, 'webhook_endpoint', { param: 'webhook_endpoint' });
  ctx.store.delete(id);
  const deleted: Stripe.DeletedWebhookEndpoint = { id, object: 'webhook_endpoint', deleted: true };
  return { status: 200, body: deleted };
};
