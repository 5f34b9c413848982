import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { EnvError, parseEnv } from '~/platform/env.server';

describe('environment', () => {
  it('defaults to sandbox mode on 127.0.0.1:3000 with nothing set', () => {
    expect(parseEnv({})).toMatchObject({
      mode: 'sandbox',
      HOST: '127.0.0.1',
      PORT: 3000,
      DATABASE_PATH: 'data/keyed.db',
      SANDBOX_PORT: 12111,
      DEMO_PASSWORD: 'keyed-demo-pass',
    });
  });

  it('stops with a message that names each bad variable', () => {
    const attempt = () => parseEnv({ PORT: 'eighty', STRIPE_SECRET_KEY: 'sk_test_abc', ALLOWED_CARD_COUNTRIES: 'US,Canada' });
    expect(attempt).toThrow(EnvError);
    expect(attempt).toThrow(/PORT/);
    expect(attempt).toThrow(/STRIPE_PUBLISHABLE_KEY: set both/);
    expect(attempt).toThrow(/SESSION_SECRET: required outside sandbox mode/);
    expect(attempt).toThrow(/ALLOWED_CARD_COUNTRIES/);
  });

  it('accepts Stripe test keys with a session secret and webhook secret, and reads the card countries', () => {
    const env = parseEnv({
      STRIPE_SECRET_KEY: 'sk_test_abc123',
      STRIPE_PUBLISHABLE_KEY: 'pk_test_abc123',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc',
      SESSION_SECRET: 'x'.repeat(32),
      ALLOWED_CARD_COUNTRIES: 'us, ca',
    });
    expect(env).toMatchObject({ mode: 'stripe-test', ALLOWED_CARD_COUNTRIES: ['US', 'CA'] });
    expect(
      parseEnv({ STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_PUBLISHABLE_KEY: 'pk_live_abc', STRIPE_WEBHOOK_SECRET: 'whsec_a', SESSION_SECRET: 'y'.repeat(40) })
        .mode,
    ).toBe('stripe-live');
  });

  it('treats empty values as unset, as .env.example leaves them', () => {
    expect(parseEnv({ STRIPE_SECRET_KEY: '', STRIPE_PUBLISHABLE_KEY: '', SESSION_SECRET: '', ALLOWED_CARD_COUNTRIES: '' })).toMatchObject({
      mode: 'sandbox',
      ALLOWED_CARD_COUNTRIES: [],
    });
  });

  it('.env.example works as it is, and documents every variable the schema reads', () => {
    const text = readFileSync('.env.example', 'utf8');
    const values = Object.fromEntries(
      text
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(parseEnv(values).mode).toBe('sandbox');
    const source = readFileSync('app/platform/env.server.ts', 'utf8');
    const read = [...source.matchAll(/^ {2}([A-Z_]+): /gm)].map((m) => m[1]).filter((name) => name !== 'NODE_ENV');
    expect(read.length).toBeGreaterThan(15);
    expect(read.filter((name) => !(name! in values))).toEqual([]);
  });
});
