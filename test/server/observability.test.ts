import type { ServerBuild } from '@remix-run/node';
import { describe, expect, it } from 'vitest';

import { stripePathTemplate } from '~/platform/metrics.server';

import { metricsAccess } from '../../server/observability';
import { routeIdMatcher } from '../../server/route-ids';

function request(remoteAddress: string, headers: Record<string, string> = {}) {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { socket: { remoteAddress }, get: (name: string) => lower[name.toLowerCase()] };
}

describe('who may read /metrics', () => {
  const token = 'a-metrics-token-of-some-length';
  it('loopback, IPv4 or IPv6, without a token', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(metricsAccess(request(address), token)).toBe('allowed');
    expect(metricsAccess(request('127.0.0.1'), undefined)).toBe('allowed');
  });
  it('not another address, and not a request a local proxy relayed (it would make every visitor look local)', () => {
    expect(metricsAccess(request('10.0.0.7'), token)).toBe('unauthenticated');
    expect(metricsAccess(request('::ffff:10.0.0.7'), token)).toBe('unauthenticated');
    expect(metricsAccess(request('127.0.0.1', { 'X-Forwarded-For': '198.51.100.4' }), token)).toBe('unauthenticated');
    expect(metricsAccess(request('127.0.0.1', { Forwarded: 'for=198.51.100.4' }), token)).toBe('unauthenticated');
    expect(metricsAccess(request('127.0.0.1', { 'X-Real-IP': '198.51.100.4' }), token)).toBe('unauthenticated');
  });
  it('anyone with the exact token; a wrong token is refused, even from loopback; no token configured, none accepted', () => {
    expect(metricsAccess(request('10.0.0.7', { Authorization: `Bearer ${token}` }), token)).toBe('allowed');
    expect(metricsAccess(request('10.0.0.7', { Authorization: `Bearer ${token}x` }), token)).toBe('refused');
    expect(metricsAccess(request('127.0.0.1', { Authorization: 'Bearer nope' }), token)).toBe('refused');
    expect(metricsAccess(request('10.0.0.7', { Authorization: `Bearer ${token}` }), undefined)).toBe('refused');
  });
});

describe('route ids for metrics', () => {
  const routes = {
    root: { id: 'root', path: '' },
    'routes/_index': { id: 'routes/_index', parentId: 'root', index: true },
    'routes/charges._index': { id: 'routes/charges._index', parentId: 'root', path: 'charges', index: true },
    'routes/charges.$id': { id: 'routes/charges.$id', parentId: 'root', path: 'charges/:id' },
    'routes/charges.export': { id: 'routes/charges.export', parentId: 'root', path: 'charges/export' },
    'routes/healthz': { id: 'routes/healthz', parentId: 'root', path: 'healthz' },
  } as unknown as ServerBuild['routes'];
  const routeOf = routeIdMatcher(routes);
  it('names a request by its route, never by the raw URL', () => {
    expect(routeOf('/charges/123', null)).toBe('routes/charges.$id');
    expect(routeOf('/charges/987', null)).toBe('routes/charges.$id');
    expect(routeOf('/charges/export', null)).toBe('routes/charges.export');
    expect(routeOf('/charges', null)).toBe('routes/charges._index');
    expect(routeOf('/', null)).toBe('routes/_index');
    expect(routeOf('/healthz', null)).toBe('routes/healthz');
    expect(routeOf('/no/such/page', null)).toBe('unmatched');
  });
  it('takes a data request’s route id only when it is a real one', () => {
    expect(routeOf('/charges/5', 'root')).toBe('root');
    expect(routeOf('/charges/5', 'routes/made-up-by-a-client')).toBe('routes/charges.$id');
  });
  it('keeps Stripe ids out of the Stripe path label', () => {
    expect(stripePathTemplate('/v1/payment_intents')).toBe('/v1/payment_intents');
    expect(stripePathTemplate('/v1/payment_methods/pm_1AbCdEf23')).toBe('/v1/payment_methods/:id');
    expect(stripePathTemplate('/v1/payment_intents/pi_3SAAA/confirm?expand[]=x')).toBe('/v1/payment_intents/:id/confirm');
  });
});
