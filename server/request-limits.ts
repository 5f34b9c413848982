import type { RequestHandler } from 'express';

// Forms and Stripe's webhooks are a few kilobytes; nothing Keyed accepts comes near this.
export const MAX_BODY_BYTES = 1_000_000;

/**
 * Refuses oversized bodies before Remix reads them (routes read bodies before they know who is asking).
 * Browsers and Stripe always declare a body's length, so a body without one (chunked) is refused too.
 */
export function limitRequestBodies(maxBytes = MAX_BODY_BYTES): RequestHandler {
  return (req, res, next) => {
    const length = req.headers['content-length'];
    if (length !== undefined && Number(length) > maxBytes) {
      res.status(413).type('text/plain').send('Request body too large.');
      return;
    }
    if (length === undefined && req.headers['transfer-encoding']) {
      res.status(411).type('text/plain').send('A Content-Length is required.');
      return;
    }
    next();
  };
}
