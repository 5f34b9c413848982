import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Random base62 string; rejection sampling keeps the distribution uniform. */
export function randomToken(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

/** Stripe-shaped ids (`pi_3Q…`, 24 characters after the prefix). */
export function newId(prefix: string): string {
  return `${prefix}_3S${randomToken(22)}`;
}

export function newRequestId(): string {
  return `req_${randomToken(14)}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
