import { createCookie, redirect } from '@remix-run/node';
import { z } from 'zod';

import { cookieName, secureCookies } from './cookies.server';
import { sessionSecrets } from './session.server';

const ToastSchema = z.object({ kind: z.enum(['success', 'error', 'info']), message: z.string().max(300) });
export type Toast = z.infer<typeof ToastSchema>;

// A short-lived flash cookie: set on the redirect after a mutation, read and cleared on the next page.
// Signed with the session secrets, so another site cannot plant a message that looks like Keyed's.
function toastCookie(request: Request) {
  const secure = secureCookies(request);
  return createCookie(cookieName('keyed_toast', secure), { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 60, secure, secrets: sessionSecrets() });
}

export async function redirectWithToast(request: Request, url: string, toast: Toast, init?: { headers?: HeadersInit }) {
  const headers = new Headers(init?.headers);
  headers.append('Set-Cookie', await toastCookie(request).serialize(toast));
  return redirect(url, { headers });
}

export async function getToast(request: Request): Promise<{ toast: Toast | null; headers: Headers }> {
  const toastCookieForRequest = toastCookie(request);
  const raw = await toastCookieForRequest.parse(request.headers.get('Cookie'));
  const parsed = ToastSchema.safeParse(raw);
  const headers = new Headers();
  if (request.headers.get('Cookie')?.includes('keyed_toast=')) headers.append('Set-Cookie', await toastCookieForRequest.serialize('', { maxAge: 0 }));
  return { toast: parsed.success ? parsed.data : null, headers };
}
