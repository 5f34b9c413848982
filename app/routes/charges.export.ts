import type { LoaderFunctionArgs } from '@remix-run/node';

import { chargesCsvResponse } from '~/charges/export-csv.server';
import { parseChargeFilter } from '~/charges/filter.server';
import { clientIp } from '~/platform/audit.server';
import { requirePermission } from '~/platform/auth.server';

/** The CSV of exactly the rows the same URL's filter shows on /charges, streamed. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'charge:export');
  const { filter, errors } = parseChargeFilter(new URL(request.url).searchParams);
  if (Object.keys(errors).length > 0) {
    // Never export a different set of rows than the one asked for.
    return new Response(`Invalid filter: ${Object.keys(errors).join(', ')}`, { status: 400, headers: { 'Content-Type': 'text/plain' } });
  }
  return chargesCsvResponse({ filter }, { id: user.id, ip: clientIp(request) });
}
