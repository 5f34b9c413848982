/**
 * The control API under /__sandbox/ (JSON, no auth, loopback only): reset state, add latency,
 * inject faults, open disputes, switch account capabilities, settle 3D Secure challenges.
 * Tests and the app's launcher drive the sandbox through it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type Stripe from 'stripe';

import { ApiError } from './errors.ts';
import { FAULT_MODES, type FaultMode } from './faults.ts';
import { type HistoricalPayment, importHistoricalPayments, invalidHistoricalPayment } from './history-import.ts';
import { readBody } from './http-body.ts';
import { internalContext } from './internal-context.ts';
import { isRecord } from './params.ts';
import { type AnyIntent, type Challenge, challengeUrl, pendingChallengeId } from './resources/authentication.ts';
import { expireLapsedAuthorizations } from './resources/capture.ts';
import { findIntent, settleChallenge } from './resources/challenge-outcome.ts';
import { openDispute } from './resources/disputes.ts';
import type { SandboxState } from './state.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body, null, 2));
}

function bad(res: ServerResponse, message: string, status = 400): void {
  json(res, status, { error: { type: 'invalid_request_error', message } });
}

/** JSON for the control API (a plain form post is read too). */
async function requestBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  if (!text.trim()) return {};
  if ((req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  const parsed: unknown = JSON.parse(text);
  if (!isRecord(parsed)) throw new Error('Expected a JSON object.');
  return parsed;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export async function handleControl(state: SandboxState, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) return bad(res, 'The sandbox control API answers only loopback clients.', 403);
  // Browsers send an Origin with every cross-site request (even a "simple" text/plain POST that skips the CORS
  // preflight): refusing any request that has one keeps web pages from resetting the sandbox or injecting faults.
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host}`)
    return bad(res, 'The sandbox control API is for tests and scripts, not other web pages.', 403);
  const method = (req.method ?? 'GET').toUpperCase();
  const path = url.pathname.replace(/\/$/, '');
  let body: Record<string, unknown> = {};
  if (method === 'POST') {
    try {
      body = await requestBody(req);
    } catch {
      return bad(res, 'The control API expects a JSON object body.');
    }
  }

  if (path === '/__sandbox/health' && method === 'GET') return json(res, 200, { ok: true });

  if (path === '/__sandbox/reset' && method === 'POST') {
    state.store.reset();
    state.faults.clear();
    state.latencyMs = 0;
    state.account = { ...state.initialAccount };
    return json(res, 200, { ok: true });
  }

  // What Stripe has enabled for the account: MOTO is gated, and refused as an unknown parameter without it.
  if (path === '/__sandbox/capabilities') {
    if (method === 'GET') return json(res, 200, state.account);
    if (method === 'POST') {
      for (const [key, value] of Object.entries(body)) {
        if (!(key in state.account)) return bad(res, `Unknown capability \`${key}\`; known: ${Object.keys(state.account).join(', ')}.`);
        if (typeof value !== 'boolean') return bad(res, `\`${key}\` must be true or false.`);
      }
      state.account = { ...state.account, ...(body as Partial<typeof state.account>) };
      return json(res, 200, state.account);
    }
  }

  if (path === '/__sandbox/latency') {
    if (method === 'GET') return json(res, 200, { ms: state.latencyMs });
    if (method === 'POST') {
      const ms = body.ms;
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > 600_000) return bad(res, '`ms` must be a number from 0 to 600000.');
      state.latencyMs = Math.round(ms);
      return json(res, 200, { ms: state.latencyMs });
    }
  }

  if (path === '/__sandbox/faults') {
    if (method === 'GET') return json(res, 200, { faults: state.faults.list() });
    if (method === 'DELETE') {
      state.faults.clear();
      return json(res, 200, { faults: [] });
    }
    if (method === 'POST') {
      const { mode, count = 1, method: onlyMethod, path: onlyPath, delayMs } = body;
      if (typeof mode !== 'string' || !(FAULT_MODES as readonly string[]).includes(mode)) {
        return bad(res, `\`mode\` must be one of ${FAULT_MODES.join(', ')}.`);
      }
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) return bad(res, '`count` must be a positive integer.');
      if (onlyMethod !== undefined && typeof onlyMethod !== 'string') return bad(res, '`method` must be a string.');
      if (onlyPath !== undefined && (typeof onlyPath !== 'string' || !onlyPath.startsWith('/'))) return bad(res, '`path` must start with /.');
      if (delayMs !== undefined && (typeof delayMs !== 'number' || delayMs < 0)) return bad(res, '`delayMs` must be a non-negative number.');
      const fault = state.faults.add({
        mode: mode as FaultMode,
        count,
        method: onlyMethod,
        path: onlyPath,
        delayMs: typeof delayMs === 'number' ? delayMs : undefined,
      });
      return json(res, 200, { fault, faults: state.faults.list() });
    }
  }

  if (path === '/__sandbox/disputes' && method === 'POST') {
    const chargeId = body.charge;
    const reason = body.reason ?? 'fraudulent';
    if (typeof chargeId !== 'string') return bad(res, '`charge` (a ch_… id) is required.');
    if (reason !== 'fraudulent' && reason !== 'product_not_received' && reason !== 'general') {
      return bad(res, '`reason` must be fraudulent, product_not_received or general.');
    }
    const ctx = internalContext(state);
    try {
      const dispute = state.store.transaction(() => {
        const charge = state.store.get<Stripe.Charge>(chargeId, 'charge', { param: 'charge' });
        return openDispute(ctx, charge, reason, reason === 'general' ? 'warning_needs_response' : 'needs_response');
      });
      state.webhooks.enqueue(ctx.events);
      return json(res, 200, dispute);
    } catch (error) {
      if (error instanceof ApiError) return json(res, error.status, { error: error.body });
      throw error;
    }
  }

  // Test helper: an authorization lapses now, as it would 7 days after it was made.
  if (path === '/__sandbox/authorizations/expire' && method === 'POST') {
    const id = body.payment_intent;
    if (typeof id !== 'string') return bad(res, '`payment_intent` (a pi_… id) is required.');
    const intent = state.store.find<Stripe.PaymentIntent>(id, 'payment_intent');
    if (!intent) return bad(res, 'No such payment_intent.', 404);
    if (intent.status !== 'requires_capture')
      return bad(res, `This PaymentIntent has a status of ${intent.status}; only an uncaptured authorization can expire.`, 409);
    const ctx = internalContext(state);
    state.store.transaction(() => {
      state.store.setCaptureDeadline(id, 0);
      expireLapsedAuthorizations(ctx);
    });
    state.webhooks.enqueue(ctx.events);
    return json(res, 200, state.store.find<Stripe.PaymentIntent>(id, 'payment_intent'));
  }

  // An app's demo history: succeeded payments (and their refunds) under the app's ids, no events. Batches of ≤ 1 MB.
  if (path === '/__sandbox/history' && method === 'POST') {
    const payments = body.payments;
    if (!Array.isArray(payments)) return bad(res, '`payments` must be a list.');
    for (const [i, payment] of payments.entries()) {
      const problem = invalidHistoricalPayment(payment);
      if (problem) return bad(res, `payments[${i}]: ${problem}`);
    }
    return json(res, 200, importHistoricalPayments(state.store, payments as HistoricalPayment[], state.baseUrl));
  }

  // The 3D Secure challenge of a requires_action intent: GET opens Stripe's-style test page, POST settles it.
  const challenge = /^\/__sandbox\/authenticate\/((?:pi|seti)_[A-Za-z0-9]+)$/.exec(path);
  if (challenge && (method === 'GET' || method === 'POST')) {
    const intent = findIntent(internalContext(state), challenge[1]);
    if (!intent) return bad(res, 'No such intent.', 404);
    const pendingId = pendingChallengeId(intent);
    if (!pendingId) return bad(res, `This PaymentIntent has a status of ${intent.status}; there is no authentication to complete.`, 409);
    if (method === 'GET') {
      const pending = state.store.find<Challenge>(pendingId, 'sandbox.three_d_secure_challenge');
      if (!pending) return bad(res, 'No such challenge.', 404);
      res.writeHead(302, { Location: challengeUrl(state.baseUrl, pending), 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    const outcome = body.outcome ?? 'succeed';
    if (outcome !== 'succeed' && outcome !== 'fail') return bad(res, '`outcome` must be succeed or fail.');
    const ctx = internalContext(state);
    let settled: AnyIntent;
    try {
      settled = state.store.transaction(() => settleChallenge(ctx, challenge[1], outcome));
    } catch (error) {
      if (error instanceof ApiError) return json(res, error.status, { error: error.body });
      throw error;
    }
    state.webhooks.enqueue(ctx.events);
    return json(res, 200, settled);
  }

  const receipt = /^\/__sandbox\/receipts\/(ch_[A-Za-z0-9]+)$/.exec(path);
  if (receipt && method === 'GET') {
    const charge = state.store.find<Stripe.Charge>(receipt[1], 'charge');
    if (!charge) return bad(res, 'No such receipt.', 404);
    const amount = new Intl.NumberFormat('en-US', { style: 'currency', currency: charge.currency.toUpperCase() }).format(charge.amount / 100);
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><meta charset="utf-8"><title>Receipt ${escapeHtml(charge.id)}</title>` +
        `<h1>Sandbox receipt</h1><p>${escapeHtml(amount)} — ${escapeHtml(charge.payment_method_details?.card?.brand ?? 'card')} ` +
        `•••• ${escapeHtml(charge.payment_method_details?.card?.last4 ?? '')}</p><p>No real money moved.</p>`,
    );
    return;
  }

  return bad(res, `Unknown control endpoint ${method} ${path}.`, 404);
}
