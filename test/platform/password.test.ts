import { describe, expect, it } from 'vitest';

import { hashPassword, verifyPassword } from '~/platform/password.server';

describe('password hashing', () => {
  it('hashes with scrypt at OWASP parameters and verifies the right password only', async () => {
    const hash = await hashPassword('keyed-demo-pass');
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(hash).not.toContain('keyed-demo-pass');
    expect(await verifyPassword('keyed-demo-pass', hash)).toBe(true);
    expect(await verifyPassword('keyed-demo-pasS', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password', b)).toBe(true);
  });

  it('rejects malformed stored hashes instead of throwing', async () => {
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
    expect(await verifyPassword('x', 'bcrypt$1$2$3$4$5')).toBe(false);
  });

  it('treats Unicode-equivalent passwords as the same password', async () => {
    const hash = await hashPassword('caf\u00e9-pass');
    expect(await verifyPassword('cafe\u0301-pass', hash)).toBe(true);
  });
});
