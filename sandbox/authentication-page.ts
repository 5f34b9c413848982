/**
 * The 3D Secure test page, on the sandbox's own origin like Stripe's (`/redirect/authenticate/src_…`).
 * Stripe.js's stand-in shows it in an iframe; a `redirect_to_url` next action sends the customer to it.
 * "Complete" and "Fail" settle the intent; inside a frame the page then tells its host page it is done,
 * and after a redirect it sends the customer back to the return URL.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { ApiError } from './errors.ts';
import { readBody } from './http-body.ts';
import { internalContext } from './internal-context.ts';
import { formatAmount } from './money.ts';
import { type AnyIntent, type Challenge, challengeIsAutomatic, pendingChallengeId } from './resources/authentication.ts';
import { findIntent, settleChallenge } from './resources/challenge-outcome.ts';
import type { SandboxState } from './state.ts';

export const CHALLENGE_PATH = /^\/redirect\/authenticate\/(src_[A-Za-z0-9]+)$/;

const ORIGIN = /^https?:\/\/[A-Za-z0-9.[\]:-]+$/;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A JSON value safe inside an inline script. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function page(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    // Any page may frame it, as any page may use Stripe.js; it talks only to the origin its host gave it.
    'Content-Security-Policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; frame-ancestors *; base-uri 'none'",
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;max-width:30em;margin:2em auto;padding:0 1em}
h1{font-size:1.25em}.buttons{display:flex;gap:.75em;margin-top:1.5em}button{font:inherit;padding:.6em 1.4em;border-radius:4px;border:1px solid #555;background:#fff;cursor:pointer}
button.complete{background:#1a1a1a;color:#fff}.muted{color:#555;font-size:.9em}</style></head><body>${body}</body></html>`);
}

/** Tells the host page (Stripe.js stand-in) that the challenge is over; it then retrieves the intent. */
function donePage(res: ServerResponse, challengeId: string, hostOrigin: string | undefined, message: string): void {
  const notify =
    hostOrigin && ORIGIN.test(hostOrigin)
      ? `<script>if (window.parent !== window) window.parent.postMessage(${scriptJson({ __keyedSandbox3ds: true, type: 'complete', source: challengeId })}, ${scriptJson(hostOrigin)});</script>`
      : '';
  page(res, 200, '3D Secure 2 Test Page', `<h1>3D Secure 2 Test Page</h1><p role="status">${escapeHtml(message)}</p>${notify}`);
}

function challengeForm(intent: AnyIntent, automatic: boolean): string {
  const what =
    intent.object === 'payment_intent'
      ? `the payment of <strong>${escapeHtml(formatAmount(intent.amount, intent.currency))}</strong>`
      : 'this card for future payments';
  // The host page's origin travels in the fragment (never sent to a server) and comes back in the form.
  const readOrigin = `<script>var m=/[#&]origin=([^&]+)/.exec(location.hash);if(m){document.getElementById('host_origin').value=decodeURIComponent(m[1]);}</script>`;
  if (automatic) {
    return `<h1>3D Secure 2 Test Page</h1><p role="status">Contacting the card issuer…</p>
<form method="post" id="challenge"><input type="hidden" name="host_origin" id="host_origin"><input type="hidden" name="outcome" value="succeed">
<noscript><button class="complete" type="submit">Continue</button></noscript></form>
${readOrigin}<script>document.getElementById('challenge').submit();</script>`;
  }
  return `<h1>3D Secure 2 Test Page</h1>
<p>The Keyed sandbox stands in for the card issuer. Authenticate ${what}?</p>
<p class="muted">Test mode: no real bank is contacted and no money moves.</p>
<form method="post"><input type="hidden" name="host_origin" id="host_origin">
<div class="buttons"><button class="complete" id="test-source-authorize-3ds" type="submit" name="outcome" value="succeed">Complete</button>
<button id="test-source-fail-3ds" type="submit" name="outcome" value="fail">Fail</button></div></form>${readOrigin}`;
}

function returnTarget(intent: AnyIntent, returnUrl: string): string {
  const target = new URL(returnUrl);
  target.searchParams.set(intent.object, intent.id);
  if (intent.client_secret) target.searchParams.set(`${intent.object}_client_secret`, intent.client_secret);
  target.searchParams.set('redirect_status', intent.status === 'succeeded' ? 'succeeded' : 'failed');
  return target.toString();
}

export async function handleChallengePage(state: SandboxState, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const challengeId = CHALLENGE_PATH.exec(url.pathname)?.[1];
  const challenge = challengeId ? state.store.find<Challenge>(challengeId, 'sandbox.three_d_secure_challenge') : undefined;
  if (!challenge || url.searchParams.get('client_secret') !== challenge.client_secret) {
    return page(res, 404, 'Not found', '<h1>Not found</h1><p>This authentication link is not valid.</p>');
  }
  const method = (req.method ?? 'GET').toUpperCase();
  const intent = findIntent(internalContext(state), challenge.payment_intent);
  const pending = intent !== undefined && pendingChallengeId(intent) === challenge.id;

  if (method === 'GET') {
    if (!pending) return donePage(res, challenge.id, undefined, 'This authentication is no longer pending.');
    return page(res, 200, '3D Secure 2 Test Page', challengeForm(intent, challengeIsAutomatic(internalContext(state), intent)));
  }
  if (method !== 'POST') {
    res.writeHead(405, { Allow: 'GET, POST' });
    res.end();
    return;
  }
  const form = new URLSearchParams(await readBody(req));
  const hostOrigin = form.get('host_origin') ?? undefined;
  const outcome = form.get('outcome');
  if (outcome !== 'succeed' && outcome !== 'fail') return page(res, 400, 'Bad request', '<h1>Bad request</h1><p>Choose Complete or Fail.</p>');
  if (!pending) return donePage(res, challenge.id, hostOrigin, 'This authentication is no longer pending.');

  const returnUrl = intent.next_action?.redirect_to_url?.return_url ?? null;
  const ctx = internalContext(state);
  let settled: AnyIntent;
  try {
    settled = state.store.transaction(() => settleChallenge(ctx, intent.id, outcome));
  } catch (error) {
    if (error instanceof ApiError) return donePage(res, challenge.id, hostOrigin, error.body.message);
    throw error;
  }
  state.webhooks.enqueue(ctx.events);
  if (returnUrl) {
    res.writeHead(303, { Location: returnTarget(settled, returnUrl), 'Cache-Control': 'no-store' });
    res.end();
    return;
  }
  donePage(res, challenge.id, hostOrigin, outcome === 'succeed' ? 'Authentication complete.' : 'Authentication failed.');
}
