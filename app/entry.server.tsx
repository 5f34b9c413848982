import { PassThrough } from 'node:stream';

import type { AppLoadContext, EntryContext } from '@remix-run/node';
import { createReadableStreamFromReadable } from '@remix-run/node';
import { isRouteErrorResponse, RemixServer } from '@remix-run/react';
import { createInstance } from 'i18next';
import { isbot } from 'isbot';
import { renderToPipeableStream } from 'react-dom/server';
import { I18nextProvider, initReactI18next } from 'react-i18next';

import { i18nConfig } from '~/platform/i18n';
import { getLocale } from '~/platform/i18n.server';
import { getLogger } from '~/platform/logger.server';
import { NonceProvider } from '~/platform/nonce';

const ABORT_DELAY = 5_000;

export type KeyedLoadContext = { cspNonce: string };

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  // One i18next instance per request, in the request's language, so concurrent renders never mix languages.
  const i18n = createInstance();
  await i18n.use(initReactI18next).init({ ...i18nConfig, lng: await getLocale(request) });
  const nonce = (loadContext as Partial<KeyedLoadContext>).cspNonce ?? '';
  const readyEvent = isbot(request.headers.get('user-agent') ?? '') ? 'onAllReady' : 'onShellReady';
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <I18nextProvider i18n={i18n}>
        <NonceProvider value={nonce}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
        </NonceProvider>
      </I18nextProvider>,
      {
        nonce,
        [readyEvent]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set('Content-Type', 'text/html; charset=utf-8');
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) getLogger().error({ err: error }, 'render failed after the shell was sent');
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  // Client mistakes (a 404, a 405 for a route without that method) are answered, not logged as faults.
  if (isRouteErrorResponse(error)) {
    if (error.status >= 500) getLogger().error({ method: request.method, path: new URL(request.url).pathname, status: error.status }, error.statusText);
    return;
  }
  // Message and stack only: never the request body, which may carry personal data.
  getLogger().error({ err: error, method: request.method, path: new URL(request.url).pathname }, 'request failed');
}

// The launcher starts these through the build, so they share this bundle's database connection and in-flight state.
export { registerBacklogMetrics } from '~/payments/backlog-metrics.server';
export { waitForInFlightCharges } from '~/payments/charge-invoice.server';
export { startBackgroundJobs, stopBackgroundJobs } from '~/platform/background-jobs.server';
export { closeDb } from '~/platform/db.server';
export { configureRuntime } from '~/platform/runtime-config.server';
