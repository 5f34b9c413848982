import type { Request as ExpressRequest, RequestHandler } from 'express';

/**
 * Every request body is read and checked here, before Remix or any parsing library sees it: form parsers do
 * work that grows faster than the body (conform copies a repeated field's array on every repetition, and a
 * name like `a[10000000]` builds an array of that length), so one anonymous 500 KB POST could hold a core
 * for minutes. Here the work per request is bounded by a per-route size, field count and repeat rule, and
 * the body must arrive within a deadline. What passes is small enough for any parser to be cheap.
 */
export type BodyRule =
  | {
      kind: 'form';
      /** Largest body accepted, in bytes, as sent (URL-encoded). */
      maxBytes: number;
      /** Most `name=value` pairs accepted. */
      maxFields: number;
      /** Names that may appear more than once; every other name may appear once. */
      repeatable: readonly string[];
    }
  /** Stripe's webhooks: read as text and HMAC-checked, never form-parsed. */
  | { kind: 'json'; maxBytes: number };

function form(maxBytes: number, maxFields = 12, repeatable: readonly string[] = []): BodyRule {
  return { kind: 'form', maxBytes, maxFields, repeatable };
}

const KB = 1024;

/**
 * One rule per route that has an action, sized well above what its form can hold once URL-encoded (a 128-character
 * password of accented letters is 1.2 KB encoded) and far below anything that costs real time. Keyed's forms repeat
 * no field today, so no route lists one; a future checkbox group names its field here.
 */
export const BODY_RULES: ReadonlyArray<{ path: RegExp; rule: BodyRule }> = [
  // Stripe's events are a few kilobytes; a PaymentIntent with its charge and metadata stays well under this.
  { path: /^\/webhooks\/stripe$/, rule: { kind: 'json', maxBytes: 512 * KB } },
  { path: /^\/login$/, rule: form(4 * KB) },
  { path: /^\/login\/two-factor$/, rule: form(2 * KB) },
  { path: /^\/logout$/, rule: form(1 * KB) },
  { path: /^\/language$/, rule: form(4 * KB) },
  { path: /^\/account\/two-factor$/, rule: form(2 * KB) },
  { path: /^\/invoices\/new$/, rule: form(8 * KB) },
  { path: /^\/invoices\/\d+$/, rule: form(1 * KB) },
  { path: /^\/charges\/\d+$/, rule: form(2 * KB) },
  { path: /^\/terminal$/, rule: form(2 * KB) },
  { path: /^\/settings$/, rule: form(2 * KB) },
  { path: /^\/settings\/users$/, rule: form(4 * KB) },
  { path: /^\/settings\/users\/\d+$/, rule: form(4 * KB) },
];

/** Any other path (a POST to a page without an action, a typo): Remix answers 405 or 404 without needing a body. */
export const DEFAULT_RULE: BodyRule = form(1 * KB, 4);

/** A body that has not fully arrived by then is a slow-drip attack or a broken client either way. */
export const BODY_DEADLINE_MS = 10_000;

// Keyed's field names are plain words; brackets and dots would make conform build nested objects or arrays.
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const FORM_TYPE = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function ruleFor(path: string): BodyRule {
  // Remix matches routes without regard to case or a trailing slash; so does this.
  const normalized = path.toLowerCase().replace(/(.)\/+$/, '$1');
  return BODY_RULES.find((entry) => entry.path.test(normalized))?.rule ?? DEFAULT_RULE;
}

export type BodyRefusal = { status: 400 | 408 | 411 | 413 | 415; message: string };

function mediaType(contentType: string | undefined) {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Checks a URL-encoded body in one linear pass without decoding its values: how many fields, which names,
 * how often each. Returns null when it is acceptable.
 */
export function checkFormFields(body: string, rule: Extract<BodyRule, { kind: 'form' }>): BodyRefusal | null {
  if (body === '') return null;
  const seen = new Set<string>();
  let fields = 0;
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf('&', start);
    if (end === -1) end = body.length;
    if (end > start) {
      fields += 1;
      if (fields > rule.maxFields) return { status: 413, message: `Too many form fields (at most ${rule.maxFields}).` };
      const pair = body.slice(start, end);
      const equals = pair.indexOf('=');
      const rawName = equals === -1 ? pair : pair.slice(0, equals);
      // Names longer than this cannot be valid, and checking the length first keeps decoding cheap.
      if (rawName.length > 64 * 3) return { status: 400, message: 'Invalid form field name.' };
      let name: string;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        return { status: 400, message: 'Invalid form encoding.' };
      }
      if (!FIELD_NAME.test(name)) return { status: 400, message: 'Invalid form field name.' };
      if (seen.has(name) && !rule.repeatable.includes(name)) return { status: 400, message: `Form field "${name}" sent more than once.` };
      seen.add(name);
    }
    start = end + 1;
  }
  return null;
}

/** The checks that need only the headers: method, type and declared length. */
export function checkHeaders(req: Pick<ExpressRequest, 'method' | 'path' | 'headers'>, rule: BodyRule): BodyRefusal | null {
  const declared = req.headers['content-length'];
  if (declared === undefined && req.headers['transfer-encoding']) {
    // Browsers and Stripe always declare a body's length; a chunked body could be any size.
    return { status: 411, message: 'A Content-Length is required.' };
  }
  const length = declared === undefined ? 0 : Number(declared);
  if (!Number.isSafeInteger(length) || length < 0) return { status: 400, message: 'Invalid Content-Length.' };
  if (length > rule.maxBytes) return { status: 413, message: `Request body too large (at most ${rule.maxBytes} bytes here).` };
  const type = mediaType(req.headers['content-type']);
  const expected = rule.kind === 'form' ? FORM_TYPE : JSON_TYPE;
  // An empty POST (a logout button with no fields) may come without a type; anything with a body must say it is a form.
  if (length > 0 && type !== expected) return { status: 415, message: `Expected ${expected}.` };
  if (length === 0 && type !== '' && type !== expected) return { status: 415, message: `Expected ${expected}.` };
  return null;
}

// After refusing, the rest of a body is read and dropped (so the client, still sending, sees the answer instead of
// a reset connection), up to this much; past it the connection is cut.
const DRAIN_LIMIT_BYTES = 1_000_000;

function refuse(req: ExpressRequest, res: Parameters<RequestHandler>[1], refusal: BodyRefusal) {
  res.status(refusal.status).set('Connection', 'close').type('text/plain').send(refusal.message);
  let drained = 0;
  const cut = setTimeout(() => req.socket.destroy(), BODY_DEADLINE_MS).unref();
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_LIMIT_BYTES) req.socket.destroy();
  });
  req.once('end', () => clearTimeout(cut));
  req.resume();
}

/**
 * Reads and checks every request body before anything else does; a body that passes is left on `req.body`
 * (a Buffer) for the Remix handler, which never reads the socket itself.
 */
export function limitRequestBodies({ deadlineMs = BODY_DEADLINE_MS }: { deadlineMs?: number } = {}): RequestHandler {
  return (req, res, next) => {
    if (BODYLESS_METHODS.has(req.method.toUpperCase())) {
      next();
      return;
    }
    const rule = ruleFor(req.path);
    const headerRefusal = checkHeaders(req, rule);
    if (headerRefusal) {
      refuse(req, res, headerRefusal);
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let done = false;
    const finish = (refusal: BodyRefusal | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      if (refusal) {
        refuse(req, res, refusal);
        return;
      }
      const body = Buffer.concat(chunks, received);
      const bodyRefusal = rule.kind === 'form' ? checkFormFields(body.toString('latin1'), rule) : null;
      if (bodyRefusal) {
        refuse(req, res, bodyRefusal);
        return;
      }
      (req as ExpressRequest & { body: Buffer }).body = body;
      next();
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      // Content-Length was checked, but the body sent may be longer than the header said.
      if (received > rule.maxBytes) finish({ status: 413, message: `Request body too large (at most ${rule.maxBytes} bytes here).` });
      else chunks.push(chunk);
    };
    const onEnd = () => finish(null);
    const timer = setTimeout(() => finish({ status: 408, message: 'The request body took too long to arrive.' }), deadlineMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', () => finish({ status: 400, message: 'The request body could not be read.' }));
  };
}
