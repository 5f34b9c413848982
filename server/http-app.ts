import type { ServerBuild } from '@remix-run/node';
import express, { type RequestHandler } from 'express';

import { isCrossSiteStateChange } from './origin-check';
import { createRequestHandler } from './remix-handler';
import { limitRequestBodies } from './request-limits';
import { nonceMiddleware, type PaymentOrigins, securityHeaders } from './security-headers';

export type HttpAppOptions = {
  build: ServerBuild;
  mode: 'development' | 'production';
  payment: PaymentOrigins;
  trustProxy: boolean;
  /** Outside sandbox mode Keyed is served over HTTPS unless ALLOW_INSECURE_HTTP=1: HSTS, and https origins accepted. */
  httpsOnly: boolean;
  /** Middleware that runs first, before the headers and checks (the launcher's request ids, access log, /metrics). */
  before?: RequestHandler[];
};

/** The Express app in front of Remix: headers, the cross-site check and the body limits come before any route code. */
export function createHttpApp({ build, mode, payment, trustProxy, httpsOnly, before = [] }: HttpAppOptions) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy ? 1 : false);
  for (const handler of before) app.use(handler);
  app.use(nonceMiddleware());
  app.use(securityHeaders(payment, { httpsOnly }));
  app.use((req, res, next) => {
    // Our own header for the client IP: never trust one the client sent.
    delete req.headers['x-keyed-client-ip'];
    if (req.ip) req.headers['x-keyed-client-ip'] = req.ip;
    const crossSite = isCrossSiteStateChange({
      method: req.method,
      path: req.path,
      origin: req.get('origin'),
      secFetchSite: req.get('sec-fetch-site'),
      host: req.get('host'),
      // Behind a TLS proxy without TRUST_PROXY, Express sees http while the browser's Origin says https.
      protocols: httpsOnly ? ['https', req.protocol] : [req.protocol],
    });
    if (crossSite) {
      res.status(403).type('text/plain').send('Cross-site request refused.');
      return;
    }
    next();
  });
  app.use(limitRequestBodies());
  app.use('/build', express.static('public/build', { immutable: true, maxAge: '1y' }));
  app.use(express.static('public', { maxAge: '1h' }));
  app.all(
    '*',
    createRequestHandler({
      build,
      mode,
      getLoadContext: (_req, res) => ({ cspNonce: res.locals.cspNonce as string }),
    }),
  );
  return app;
}
