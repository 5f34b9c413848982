import { AsyncLocalStorage } from 'node:async_hooks';

import pino, { type Logger } from 'pino';

import { getEnv } from './env.server';

export type RequestContext = { requestId: string };

/**
 * The launcher and the Remix build each load their own copy of this module: one logger and one request context
 * per process, kept on globalThis, so a line written deep in a loader carries the id the launcher gave the request.
 */
type Shared = { logger?: Logger; context: AsyncLocalStorage<RequestContext> };
const SHARED = Symbol.for('keyed.logging');
const shared = ((globalThis as Record<symbol, Shared | undefined>)[SHARED] ??= { context: new AsyncLocalStorage<RequestContext>() });

/**
 * Whatever a line carries, these never reach the output. Code logs ids, codes and amounts only (see audit.server);
 * this is the net under that rule for headers and for objects logged whole by mistake.
 */
export const REDACTED_PATHS = [
  'headers.cookie',
  'headers.authorization',
  'headers["stripe-signature"]',
  'headers["set-cookie"]',
  'responseHeaders["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.newPassword',
  '*.cardNumber',
  '*.number',
  '*.cvc',
  '*.exp_month',
  '*.exp_year',
  '*.client_secret',
  '*.secret',
  '*.apiKey',
  '*.webhookSecret',
  'password',
  'secret',
  'client_secret',
];

/** Errors are logged by their type, code and message and stack, never as whole objects (a Stripe error holds the raw request). */
function serializeError(error: unknown) {
  if (!(error instanceof Error)) return { message: String(error) };
  const { type, code, statusCode, requestId } = error as Error & { type?: string; code?: string; statusCode?: number; requestId?: string };
  return { name: error.name, type, code, statusCode, stripeRequestId: requestId, message: error.message, stack: error.stack };
}

function createLogger(): Logger {
  const env = getEnv();
  const options: pino.LoggerOptions = {
    level: env.LOG_LEVEL,
    base: { service: 'keyed' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError },
    // Every line written while a request is handled carries its id.
    mixin: () => {
      const context = shared.context.getStore();
      return context ? { requestId: context.requestId } : {};
    },
  };
  if (env.NODE_ENV === 'development') {
    // `npm run dev`: readable lines; pino-pretty is a development dependency, so production never needs it.
    try {
      return pino({
        ...options,
        transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,service' } },
      });
    } catch {
      return pino(options);
    }
  }
  return pino(options);
}

export function getLogger(): Logger {
  shared.logger ??= createLogger();
  return shared.logger;
}

/** Runs `fn` (and everything it awaits) as part of one request. */
export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return shared.context.run(context, fn);
}

/** Writes what is buffered before the process exits. */
export function flushLogs() {
  shared.logger?.flush();
}
