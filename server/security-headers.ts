import { randomBytes } from 'node:crypto';

import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** Origins a payment page needs: Stripe's, or the sandbox's stand-in for Stripe.js. */
export type PaymentOrigins = { script: string[]; frame: string[]; connect: string[] };

export const STRIPE_ORIGINS: PaymentOrigins = {
  script: ['https://js.stripe.com'],
  frame: ['https://js.stripe.com', 'https://hooks.stripe.com'],
  connect: ['https://api.stripe.com'],
};

export function sandboxOrigins(sandboxUrl: string): PaymentOrigins {
  return { script: [sandboxUrl], frame: [sandboxUrl], connect: [sandboxUrl] };
}

// Only pages that mount the Card Element may load Stripe.js or frame it.
const PAYMENT_PAGE = /^\/terminal(\/|$)/;

export function nonceMiddleware(): RequestHandler {
  return (_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString('base64');
    next();
  };
}

export function securityHeaders(payment: PaymentOrigins, { httpsOnly }: { httpsOnly: boolean }): RequestHandler {
  const base = helmet({
    // HSTS below: always outside sandbox mode (unless ALLOW_INSECURE_HTTP=1), else over HTTPS only; on
    // http://127.0.0.1 it would be meaningless, and sticky.
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'base-uri': ["'self'"],
        'object-src': ["'none'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'"],
        // Inline style attributes only (React and chart libraries set them); scripts never run inline without the nonce.
        'style-src': ["'self'", "'unsafe-inline'"],
        'script-src': [
          "'self'",
          (_req, res) => `'nonce-${(res as unknown as { locals: { cspNonce: string } }).locals.cspNonce}'`,
          (req) => (PAYMENT_PAGE.test(pathOf(req)) ? payment.script.join(' ') : ''),
        ],
        'frame-src': [(req) => (PAYMENT_PAGE.test(pathOf(req)) ? payment.frame.join(' ') : "'none'")],
        'connect-src': ["'self'", (req) => (PAYMENT_PAGE.test(pathOf(req)) ? payment.connect.join(' ') : '')],
      },
    },
  });
  return (req, res, next) => {
    if (httpsOnly || req.secure) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    base(req, res, next);
  };
}

function pathOf(req: unknown) {
  const url = (req as { url?: string }).url ?? '/';
  return url.split('?')[0]!;
}
