import type { ActionFunctionArgs } from '@remix-run/node';

import { handleStripeWebhook } from '~/payments/webhooks.server';

export function loader() {
  return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } });
}

export async function action({ request }: ActionFunctionArgs) {
  // The signature covers the exact bytes Stripe sent: read the body as text, never re-serialise it.
  const result = handleStripeWebhook(await request.text(), request.headers.get('Stripe-Signature'));
  return new Response(result.body, { status: result.status, headers: { 'Content-Type': 'text/plain' } });
}
