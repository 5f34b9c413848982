import { type ApiError, invalidRequest } from './errors.ts';

/**
 * The one API version the sandbox speaks: the version pinned by the stripe package this repo uses
 * (stripe 23.1.0). Its objects are built in this version's shapes only, so any other requested version
 * is refused rather than answered in a shape that does not match it.
 */
export const API_VERSION = '2026-10-28.endive';

/** Stripe's answer to a version it does not know (400, no code), with the sandbox's reason added. */
export function unsupportedVersion(requested: string, param?: string): ApiError {
  return invalidRequest(
    `Invalid Stripe API version: ${requested}. The Keyed sandbox answers only in ${API_VERSION}, the version stripe 23.1.0 pins.`,
    param ? { param } : {},
  );
}
