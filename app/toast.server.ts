import { createCookie, redirect } from '@remix-run/node';
import { z } from 'zod';

const ToastSchema = z.object({ kind: z.enum(['success', 'error', 'info']), message: z.string().max(300) });
export type Toast = z.infer<typeof ToastSchema>;

// A short-lived flash cookie: set on the redirect after a mutation, read and cleared on the next page.
const toastCookie = createCookie('keyed_toast', { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 60 });

export async function redirectWithToast(url: string, toast: Toast, init?: { headers?: HeadersInit }) {
  const headers = new Headers(init?.headers);
  headers.append('Set-Cookie', await toastCookie.serialize(toast));
  return redirect(url, { headers });
}

export async function getToast(request: Request): Promise<{ toast: Toast | null; headers: Headers }> {
  const raw = await toastCookie.parse(request.headers.get('Cookie'));
  const parsed = ToastSchema.safeParse(raw);
  const headers = new Headers();
  if (raw !== null && raw !== undefined) headers.append('Set-Cookie', await toastCookie.serialize('', { maxAge: 0 }));
  return { toast: parsed.success ? parsed.data : null, headers };
}
