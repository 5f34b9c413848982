export type PostContext = {
  method: string;
  path: string;
  origin: string | undefined;
  secFetchSite: string | undefined;
  host: string | undefined;
  protocol: string;
};

// Stripe posts webhooks server to server, with no Origin; their signature is their protection.
const EXEMPT_PATHS = new Set(['/webhooks/stripe']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * True when a state-changing request comes from another site. Browsers send Sec-Fetch-Site on every
 * request; older ones at least send Origin on POST. A request with neither (curl, tests) is not a
 * browser's cross-site request and passes: the session cookie's SameSite=Lax already stops those.
 */
export function isCrossSiteStateChange(ctx: PostContext): boolean {
  if (SAFE_METHODS.has(ctx.method.toUpperCase()) || EXEMPT_PATHS.has(ctx.path)) return false;
  if (ctx.secFetchSite) return ctx.secFetchSite !== 'same-origin' && ctx.secFetchSite !== 'none';
  if (ctx.origin === undefined) return false;
  if (ctx.origin === 'null' || !ctx.host) return true;
  return ctx.origin.toLowerCase() !== `${ctx.protocol}://${ctx.host}`.toLowerCase();
}
