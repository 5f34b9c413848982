import { randomUUID, timingSafeEqual } from 'node:crypto';

import type { NextFunction, Request, Response } from 'express';

import { getLogger, runWithRequestContext } from '../app/platform/logger.server';
import { getMetrics } from '../app/platform/metrics.server';

// An id from a proxy in front of us is kept only when it looks like one (no log injection, bounded length).
const INCOMING_ID = /^[A-Za-z0-9._:-]{8,128}$/;
// Probes and scrapes arrive every few seconds: logged at debug, so they don't drown the lines people read.
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * One request id per request: in the X-Request-Id response header, on every log line written while the request
 * is handled (AsyncLocalStorage), and on the access line with route, status and duration. Paths are logged
 * without their query string (searches hold customer names); headers only at debug, with secrets redacted.
 */
export function requestObservability(opts: { routeIdOf: (pathname: string, dataRouteId: string | null) => string; trustProxy: boolean }) {
  const logger = getLogger();
  const { httpDuration } = getMetrics();
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = opts.trustProxy ? req.get('x-request-id') : undefined;
    const requestId = incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    runWithRequestContext({ requestId }, () => {
      res.on('finish', () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const route = routeLabel(req, opts.routeIdOf);
        httpDuration.observe({ route, method: req.method, status: String(res.statusCode) }, seconds);
        const line = { method: req.method, path: req.path, route, status: res.statusCode, ms: Math.round(seconds * 10_000) / 10 };
        const level = res.statusCode >= 500 ? 'error' : QUIET_PATHS.has(req.path) ? 'debug' : 'info';
        // 'finish' runs in the context of whatever wrote the last bytes: name the request explicitly.
        runWithRequestContext({ requestId }, () => {
          if (logger.isLevelEnabled('debug')) {
            logger[level]({ ...line, ip: req.ip, headers: req.headers, responseHeaders: res.getHeaders() }, 'request');
          } else {
            logger[level]({ ...line, ip: req.ip }, 'request');
          }
        });
      });
      next();
    });
  };
}

function routeLabel(req: Request, routeIdOf: (pathname: string, dataRouteId: string | null) => string) {
  if (req.path === '/metrics') return 'metrics';
  if (req.path.startsWith('/build/')) return 'static:build';
  // Remix's route discovery (v3_lazyRouteDiscovery) asks for the routes a page links to.
  if (req.path === '/__manifest') return 'remix:manifest';
  const data = typeof req.query._data === 'string' ? req.query._data : null;
  const id = routeIdOf(req.path, data);
  return id === 'unmatched' && req.method === 'GET' && /\.[a-z0-9]+$/i.test(req.path) ? 'static' : id;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * Who may read /metrics: a scraper on this machine (the socket's own address, not X-Forwarded-For, and not a
 * request relayed by a local reverse proxy, which would make every visitor look local), or anyone presenting
 * METRICS_TOKEN as a bearer token.
 */
type MetricsRequest = { get(name: string): string | undefined; socket: { remoteAddress?: string } };

export function metricsAccess(req: MetricsRequest, token: string | undefined) {
  const header = req.get('authorization') ?? '';
  if (token && header.startsWith('Bearer ')) {
    const given = Buffer.from(header.slice('Bearer '.length));
    const expected = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected) ? 'allowed' : 'refused';
  }
  const relayed = req.get('x-forwarded-for') !== undefined || req.get('forwarded') !== undefined || req.get('x-real-ip') !== undefined;
  if (!relayed && LOOPBACK.test(req.socket.remoteAddress ?? '')) return 'allowed';
  return header ? 'refused' : 'unauthenticated';
}

export function metricsHandler(token: string | undefined) {
  const { registry } = getMetrics();
  return async (req: Request, res: Response) => {
    const access = metricsAccess({ get: (name) => req.get(name), socket: req.socket }, token);
    if (access !== 'allowed') {
      res.status(access === 'unauthenticated' ? 401 : 403);
      if (access === 'unauthenticated') res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      res.type('text/plain').send(access === 'unauthenticated' ? 'Metrics need a bearer token from outside this machine.' : 'Refused.');
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    // Prometheus's own content type, exactly (Express's res.type would add a charset it does not expect).
    res.setHeader('Content-Type', registry.contentType);
    res.end(await registry.metrics());
  };
}
