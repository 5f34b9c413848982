/** API keys as Stripe (and stripe-mock) treat them: any well-formed test key works. */
import { ApiError } from './errors.ts';

export interface ApiKey {
  key: string;
  kind: 'secret' | 'publishable';
}

function redact(key: string): string {
  if (key.length <= 12) return `${key.slice(0, 3)}${'*'.repeat(Math.max(0, key.length - 3))}`;
  const prefix = /^[a-z]{2}_(test|live)_/.exec(key)?.[0] ?? key.slice(0, 3);
  return `${prefix}${'*'.repeat(Math.max(4, key.length - prefix.length - 4))}${key.slice(-4)}`;
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, { type: 'invalid_request_error', message });
}

export function authenticate(header: string | undefined): ApiKey {
  if (!header) {
    throw unauthorized(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    );
  }
  let key = '';
  const [scheme, value = ''] = header.trim().split(/\s+/, 2);
  if (/^bearer$/i.test(scheme)) key = value;
  else if (/^basic$/i.test(scheme)) key = Buffer.from(value, 'base64').toString('utf8').split(':')[0] ?? '';
  else {
    throw unauthorized(
      "Invalid API Key provided. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
    );
  }
  if (/^sk_test_[A-Za-z0-9_]+$/.test(key)) return { key, kind: 'secret' };
  if (/^pk_test_[A-Za-z0-9_]+$/.test(key)) return { key, kind: 'publishable' };
  throw unauthorized(`Invalid API Key provided: ${redact(key)}`);
}

/** Stripe answers a publishable key on a secret-key endpoint with 403 (stripe-node: StripePermissionError). */
export function publishableKeyNotAllowed(): ApiError {
  return new ApiError(403, {
    type: 'invalid_request_error',
    message:
      'This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.',
  });
}
