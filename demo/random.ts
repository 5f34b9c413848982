// ——— deterministic randomness ———

/** sfc32: small, fast and good enough for synthetic data; seeded so every run with one seed is identical. */
export function createRandom(seed: number) {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 ^ (seed * 31);
  let c = 0xb7e15162;
  let d = 1;
  const next = () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

export type Random = ReturnType<typeof createRandom>;

export const BASE62 = Buffer.from('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 'latin1');
export const BASE64URL = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', 'latin1');
export const scratch = Buffer.alloc(64);

/** Random characters from the alphabet. Filled into a scratch buffer: millions of `+=` ropes keep the GC busy. */
export function token(rand: Random, length: number, alphabet = BASE62) {
  for (let i = 0; i < length; i++) scratch[i] = alphabet[Math.floor(rand() * alphabet.length)]!;
  return scratch.toString('latin1', 0, length);
}

/** Well-formed, clearly synthetic Stripe ids (same shape as the sandbox's: prefix, "3S", 22 base62). */
export function stripeId(rand: Random, prefix: string) {
  return `${prefix}_3S${token(rand, 22)}`;
}

export function pick<T>(rand: Random, weighted: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, w] of weighted) total += w;
  let r = rand() * total;
  for (const [value, w] of weighted) {
    r -= w;
    if (r < 0) return value;
  }
  return weighted[weighted.length - 1]![0];
}

export function oneOf<T>(rand: Random, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

/** Log-normal amounts around $150 (a few cents to a few thousand dollars), in minor units. */
export function invoiceAmount(rand: Random) {
  const normal = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const dollars = Math.exp(Math.log(150) + 1.0 * normal);
  return Math.min(2_500_000, Math.max(50, Math.round(dollars * 100)));
}
