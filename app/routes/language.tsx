import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';

import { getUser, safeRedirect } from '~/platform/auth.server';
import { secureCookies } from '~/platform/cookies.server';
import { isLocale } from '~/platform/i18n';
import { localeCookie } from '~/platform/i18n.server';
import { saveUserLocale } from '~/users/users.server';

export function loader() {
  return redirect('/');
}

/** Switches the language at once and remembers it: on the account when logged in, and in a cookie. */
export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const locale = form.get('locale');
  const back = safeRedirect(form.get('redirectTo'), '/');
  if (!isLocale(locale)) return redirect(back);
  const user = await getUser(request);
  if (user) saveUserLocale({ userId: user.id, locale });
  return redirect(back, { headers: { 'Set-Cookie': await localeCookie.serialize(locale, { secure: secureCookies(request) }) } });
}
