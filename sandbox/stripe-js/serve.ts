/** Serves the Stripe.js stand-in (`/v3/`) and the card iframe it mounts. */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';

const read = (name: string) => readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
const HOST_SCRIPT = read('stripe.js');
const CARD_FRAME = read('card-frame.html');

const SCRIPT_PATHS = new Set(['/v3', '/v3/', '/v3/stripe.js', '/endive/stripe.js']);
const FRAME_PATHS = new Set(['/v3/elements-inner-card.html']);

export function serveStripeJs(req: IncomingMessage, res: ServerResponse, path: string): void {
  const method = (req.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' });
    res.end();
    return;
  }
  const common = {
    'Access-Control-Allow-Origin': '*',
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  };
  if (SCRIPT_PATHS.has(path)) {
    res.writeHead(200, { ...common, 'Content-Type': 'application/javascript; charset=utf-8' });
    res.end(method === 'HEAD' ? undefined : HOST_SCRIPT);
    return;
  }
  if (FRAME_PATHS.has(path)) {
    // Any page may frame the card inputs, as with js.stripe.com; the frame talks only to its parent.
    res.writeHead(200, {
      ...common,
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': "frame-ancestors *; default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
      'Referrer-Policy': 'no-referrer',
    });
    res.end(method === 'HEAD' ? undefined : CARD_FRAME);
    return;
  }
  res.writeHead(404, { ...common, 'Content-Type': 'text/plain' });
  res.end('Not found');
}
