import { describe, expect, it } from 'vitest';

import { isCrossSiteStateChange } from '../../server/origin-check';

const base = { method: 'POST', path: '/invoices/new', host: '127.0.0.1:3000', protocols: ['http'], origin: undefined, secFetchSite: undefined };

describe('cross-site POST protection', () => {
  it('rejects a POST whose Sec-Fetch-Site is cross-site or same-site', () => {
    expect(isCrossSiteStateChange({ ...base, secFetchSite: 'cross-site' })).toBe(true);
    expect(isCrossSiteStateChange({ ...base, secFetchSite: 'same-site' })).toBe(true);
    expect(isCrossSiteStateChange({ ...base, secFetchSite: 'same-origin', origin: 'http://127.0.0.1:3000' })).toBe(false);
  });

  it('rejects a POST from another origin, or an opaque one, when Sec-Fetch-Site is absent', () => {
    expect(isCrossSiteStateChange({ ...base, origin: 'https://evil.example' })).toBe(true);
    expect(isCrossSiteStateChange({ ...base, origin: 'http://127.0.0.1:3001' })).toBe(true);
    expect(isCrossSiteStateChange({ ...base, origin: 'null' })).toBe(true);
    expect(isCrossSiteStateChange({ ...base, origin: 'http://127.0.0.1:3000' })).toBe(false);
  });

  it('rejects a foreign Origin even when Sec-Fetch-Site claims same-origin (or none)', () => {
    expect(isCrossSiteStateChange({ ...base, secFetchSite: 'same-origin', origin: 'https://evil.example' })).toBe(true);
    expect(isCrossSiteStateChange({ ...base, secFetchSite: 'none', origin: 'https://evil.example' })).toBe(true);
    expect(isCrossSiteStateChange({ ...base, secFetchSite: 'same-origin', origin: 'null' })).toBe(true);
  });

  it('accepts the https origin behind a TLS proxy when Keyed is HTTPS-only, and only the host itself', () => {
    const proxied = { ...base, host: 'pay.example.com', protocols: ['https', 'http'] };
    expect(isCrossSiteStateChange({ ...proxied, secFetchSite: 'same-origin', origin: 'https://pay.example.com' })).toBe(false);
    expect(isCrossSiteStateChange({ ...proxied, secFetchSite: 'same-origin', origin: 'https://evil.pay.example.com' })).toBe(true);
    expect(isCrossSiteStateChange({ ...base, origin: 'https://127.0.0.1:3000' })).toBe(true);
  });

  it('lets reads and Stripe webhooks through', () => {
    expect(isCrossSiteStateChange({ ...base, method: 'GET', secFetchSite: 'cross-site' })).toBe(false);
    expect(isCrossSiteStateChange({ ...base, path: '/webhooks/stripe', origin: 'https://evil.example' })).toBe(false);
  });
});
