import { createCookie, redirect } from '@remix-run/node';
import { z } from 'zod';

import { sessionSecrets } from './session.server';

const ToastSchema = z.object({ kind: z.enum(['success', 'error', 'info']), message: z.string().max(300) });
export type Toast = z.infer<typeof ToastSchema>;

// A short-lived flash cookie: set on the redirect after a mutation, read and cleared on the next page.
// Signed with the session secrets, so another site cannot plant a message that looks like Keyed's.
function toastCookie(secure: boolean) {
  return createCookie('keyed_toast', { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 60, secure, secrets: sessionSecrets() });
}

export async function redirectWithToast(request: Request, url: string, toast: Toast, init?: { headers?: HeadersInit }) {
  const headers = new Headers(init?.headers);
  headers.append('Set-Cookie', await toastCookie(new URL(request.url).protocol === 'https:').serialize(toast));
  return redirect(url, { headers });
}

export async function getToast(request: Request): Promise<{ toast: Toast | null; headers: Headers }> {
  const toastCookieForRequest = toastCookie(new URL(request.url).protocol === 'https:');
  const raw = await toastCookieForRequest.parse(request.headers.get('Cookie'));
  const parsed = ToastSchema.safeParse(raw);
  const headers = new Headers();
  if (request.headers.get('Cookie')?.includes('keyed_toast=')) headers.append('Set-Cookie', await toastCookieForRequest.serialize('', { maxAge: 0 }));
  return { toast: parsed.success ? parsed.data : null, headers };
}
