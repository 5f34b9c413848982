import { getEnv } from './env.server';

/**
 * Whether this response's cookies are Secure and `__Host-`-prefixed. Outside sandbox mode always (Keyed runs
 * behind HTTPS, even when a proxy forwards plain HTTP and TRUST_PROXY is unset), unless ALLOW_INSECURE_HTTP=1;
 * in sandbox mode whenever the request came over HTTPS (browsers refuse both on http://127.0.0.1).
 */
export function secureCookies(request: Request): boolean {
  return getEnv().httpsOnly || new URL(request.url).protocol === 'https:';
}

/** `__Host-` binds a cookie to this exact host, path / and Secure: a sibling subdomain cannot set or shadow it. */
export function cookieName(base: string, secure: boolean) {
  return secure ? `__Host-${base}` : base;
}
