export type PostContext = {
  method: string;
  path: string;
  origin: string | undefined;
  secFetchSite: string | undefined;
  host: string | undefined;
  /** Schemes this site is served over as the browser sees it ('https' behind a TLS proxy even when Express sees http). */
  protocols: readonly string[];
};

// Stripe posts webhooks server to server, with no Origin; their signature is their protection.
const EXEMPT_PATHS = new Set(['/webhooks/stripe']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * True when a state-changing request comes from another site. Browsers send Sec-Fetch-Site on every
 * request and Origin on every POST; both must say "this site" when present (a client can send any pair,
 * so one that contradicts the other is refused). A request with neither (curl, tests) is not a browser's
 * cross-site request and passes: the session cookie's SameSite=Lax already stops those.
 */
export function isCrossSiteStateChange(ctx: PostContext): boolean {
  if (SAFE_METHODS.has(ctx.method.toUpperCase()) || EXEMPT_PATHS.has(ctx.path)) return false;
  if (ctx.secFetchSite !== undefined && ctx.secFetchSite !== 'same-origin' && ctx.secFetchSite !== 'none') return true;
  if (ctx.origin === undefined) return false;
  if (ctx.origin === 'null' || !ctx.host) return true;
  const origin = ctx.origin.toLowerCase();
  return !ctx.protocols.some((protocol) => origin === `${protocol}://${ctx.host}`.toLowerCase());
}
