import type { LoaderFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';

import { getUser } from '~/platform/auth.server';

export async function loader({ request }: LoaderFunctionArgs) {
  return redirect((await getUser(request)) ? '/dashboard' : '/login');
}
