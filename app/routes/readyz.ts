import { json } from '@remix-run/node';

import { readiness } from '~/platform/health.server';

/** Readiness for a load balancer or orchestrator: 503 until the database is writable and Stripe answers. */
export async function loader() {
  const result = await readiness();
  return json(result, { status: result.ok ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });
}
