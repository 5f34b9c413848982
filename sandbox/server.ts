/**
 * The HTTP face of the sandbox: Stripe's v1 API, the Stripe.js stand-in under /v3/,
 * and the control API under /__sandbox/. Plain node:http keeps every byte of the
 * response under our control (exact replays, dropped connections).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import qs from 'qs';

import { authenticate, publishableKeyNotAllowed } from './auth.ts';
import { CHALLENGE_PATH, handleChallengePage } from './authentication-page.ts';
import type { HandlerResult, RequestContext } from './context.ts';
import { handleControl } from './control.ts';
import { ApiError, invalidRequest } from './errors.ts';
import { applyExpand } from './expand.ts';
import { readBody } from './http-body.ts';
import { requestFingerprint, type Reservation } from './idempotency.ts';
import { newRequestId, nowSeconds } from './ids.ts';
import { internalContext } from './internal-context.ts';
import { isRecord, optionalStringArray, type Params } from './params.ts';
import { expireLapsedAuthorizations } from './resources/capture.ts';
import { matchRoute } from './routes.ts';
import type { SandboxState } from './state.ts';
import { serveStripeJs } from './stripe-js/serve.ts';
import { API_VERSION, unsupportedVersion } from './version.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function parseParams(req: IncomingMessage, url: URL, body: string): Params {
  const query = url.search.length > 1 ? url.search.slice(1) : '';
  const options = { depth: 10, arrayLimit: 100, parameterLimit: 5000 };
  const fromQuery = qs.parse(query, options) as Params;
  if (!body) return fromQuery;
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) {
    const parsed: unknown = JSON.parse(body);
    if (!isRecord(parsed)) throw invalidRequest('Invalid JSON body.');
    return { ...fromQuery, ...parsed };
  }
  return { ...fromQuery, ...(qs.parse(body, options) as Params) };
}

function errorBody(error: ApiError): string {
  return JSON.stringify({ error: error.body }, null, 2);
}

/** Stripe's CORS answer: Stripe.js calls the API straight from other origins. */
function corsHeaders(): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': 'GET, POST, HEAD, OPTIONS, DELETE',
    'Access-Control-Allow-Headers': 'Authorization, Content-Type, Idempotency-Key, Stripe-Account, Stripe-Version, X-Stripe-Client-User-Agent, User-Agent',
    'Access-Control-Expose-Headers': 'Request-Id, Idempotency-Key, Idempotent-Replayed, Original-Request, Stripe-Version',
    'Access-Control-Max-Age': '300',
  };
}

export function createSandboxServer(state: SandboxState): Server {
  return createServer((req, res) => {
    handle(state, req, res).catch((error: unknown) => {
      state.log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { type: 'api_error', message: 'An unknown error occurred in the sandbox.' } }));
      }
    });
  });
}

async function handle(state: SandboxState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  const method = (req.method ?? 'GET').toUpperCase();
  const path = url.pathname;
  if (path.startsWith('/__sandbox/') || path === '/__sandbox') return handleControl(state, req, res, url);
  if (path === '/v3' || path.startsWith('/v3/') || path.startsWith('/endive/')) return serveStripeJs(req, res, path);
  if (CHALLENGE_PATH.test(path)) return handleChallengePage(state, req, res, url);
  if (method === 'OPTIONS') {
    res.writeHead(204, corsHeaders());
    res.end();
    return;
  }
  await handleApi(state, req, res, url, method, path);
}

async function handleApi(state: SandboxState, req: IncomingMessage, res: ServerResponse, url: URL, method: string, path: string): Promise<void> {
  const requestId = newRequestId();
  const idempotencyKey = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
  // Every answer is in API_VERSION; a request for another version is refused below, never answered as if honoured.
  const requestedVersion = req.headers['stripe-version'];
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, no-store',
    'Request-Id': requestId,
    'Stripe-Version': API_VERSION,
    ...corsHeaders(),
  };
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;

  const started = Date.now();
  // Method, path, status and ids only: bodies may hold card data and are never logged.
  const logLine = (status: string) =>
    state.log(`${method} ${path} ${status} ${requestId}${idempotencyKey ? ` key=${idempotencyKey}` : ''} ${Date.now() - started}ms`);
  const send = (status: number, body: string, extra: Record<string, string> = {}) => {
    if (res.destroyed) return;
    res.writeHead(status, { ...headers, ...extra });
    res.end(body);
    logLine(`${status}${extra['Idempotent-Replayed'] ? ' (replayed)' : ''}`);
  };

  const body = await readBody(req).catch((e: unknown) => (e instanceof ApiError ? e : invalidRequest('Could not read the request body.')));
  if (body instanceof ApiError) return send(body.status, errorBody(body));

  // Everything from here to the reservation is synchronous: no other request can run in between.
  let reservation: Reservation | undefined;
  let dropAfter = false;
  let extraDelay = 0;
  let params: Params;
  let ctx: RequestContext;
  let handlerEntry: NonNullable<Exclude<ReturnType<typeof matchRoute>, 'method_not_allowed'>>;
  try {
    const key = authenticate(typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined);
    if (requestedVersion !== undefined && requestedVersion !== API_VERSION) {
      throw unsupportedVersion(Array.isArray(requestedVersion) ? requestedVersion.join(', ') : requestedVersion);
    }
    const matched = matchRoute(method, path);
    if (!matched || matched === 'method_not_allowed') {
      throw invalidRequest(`Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`, {
        status: 404,
      });
    }
    handlerEntry = matched;
    if (key.kind === 'publishable' && !matched.route.publishable) throw publishableKeyNotAllowed();
    try {
      params = parseParams(req, url, body);
    } catch (error) {
      throw error instanceof ApiError ? error : invalidRequest('Invalid request body.');
    }

    const fault = state.faults.take(method, path);
    if (fault?.mode === '500_before') {
      throw new ApiError(
        500,
        { type: 'api_error', message: 'An unknown error occurred (injected by the sandbox: 500_before).' },
        { 'Stripe-Should-Retry': 'true' },
      );
    }
    if (fault?.mode === '429') {
      throw new ApiError(429, {
        type: 'invalid_request_error',
        code: 'rate_limit',
        doc_url: 'https://docs.stripe.com/error-codes/rate-limit',
        message: 'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.',
      });
    }
    if (fault?.mode === 'delay') extraDelay = fault.delayMs ?? 1000;
    if (fault?.mode === 'drop_after') dropAfter = true;

    if (idempotencyKey && method === 'POST') {
      reservation = state.idempotency.begin(key.key, idempotencyKey, requestFingerprint(method, path, params));
      if (reservation.kind === 'replay') {
        const record = reservation.record;
        if (extraDelay + state.latencyMs > 0) await sleep(extraDelay + state.latencyMs);
        if (dropAfter) {
          res.socket?.destroy();
          return;
        }
        return send(record.status, record.body, { 'Idempotent-Replayed': 'true', 'Original-Request': record.requestId });
      }
    }
    ctx = {
      store: state.store,
      requestId,
      idempotencyKey,
      keyKind: key.kind,
      params,
      baseUrl: state.baseUrl,
      events: [],
      countEndpoints: (type) => state.webhooks.countFor(type),
      account: { ...state.account },
    };
  } catch (error) {
    if (error instanceof ApiError) return send(error.status, errorBody(error), error.headers);
    throw error;
  }

  const held = reservation?.kind === 'reserved' ? reservation : undefined;
  try {
    const wait = state.latencyMs + extraDelay;
    if (wait > 0) await sleep(wait);
    if (state.closed) {
      res.socket?.destroy();
      return;
    }
    sweepLapsedAuthorizations(state);
    const result = runHandler(state, ctx, handlerEntry.route.handler, handlerEntry.params);
    const text = JSON.stringify(result.body, null, 2);
    // Stripe saves the outcome of a request that ran (including card declines), not of one
    // rejected up front; a retry of a rejected request runs again.
    if (held && (result.status < 400 || result.status === 402)) held.finish(result.status, text, requestId);
    else held?.release();
    state.webhooks.enqueue(ctx.events);
    if (dropAfter) {
      // The work is committed, but the client never hears back: a socket hang-up.
      res.socket?.destroy();
      logLine(`${result.status} (connection dropped by fault)`);
      return;
    }
    const extra: Record<string, string> = result.status >= 500 ? { 'Stripe-Should-Retry': 'true' } : {};
    send(result.status, text, extra);
  } catch (error) {
    held?.release();
    throw error;
  }
}

/** Authorizations past their 7 days are canceled before any request can see them (one indexed lookup). */
function sweepLapsedAuthorizations(state: SandboxState): void {
  if (state.store.dueCaptureDeadlines(nowSeconds()).length === 0) return;
  const ctx = internalContext(state);
  state.store.transaction(() => expireLapsedAuthorizations(ctx));
  state.webhooks.enqueue(ctx.events);
}

/** One transaction per request; a 402 (decline) commits, like Stripe, other errors roll back. */
function runHandler(
  state: SandboxState,
  ctx: RequestContext,
  handler: (ctx: RequestContext, params: Record<string, string>) => HandlerResult,
  pathParams: Record<string, string>,
): HandlerResult {
  try {
    return state.store.transaction(() => {
      try {
        const result = handler(ctx, pathParams);
        const expand = optionalStringArray(ctx.params, 'expand') ?? [];
        return { status: result.status, body: applyExpand(state.store, result.body, expand) };
      } catch (error) {
        if (error instanceof ApiError && error.status === 402) return { status: 402, body: { error: error.body } };
        throw error;
      }
    });
  } catch (error) {
    ctx.events = [];
    if (error instanceof ApiError) return { status: error.status, body: { error: error.body } };
    throw error;
  }
}
