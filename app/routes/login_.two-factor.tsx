import { getFormProps, getInputProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';

import { ErrorPage } from '~/components/error-page';
import { pageTitle } from '~/components/page-title';
import { getUser, safeRedirect } from '~/platform/auth.server';
import { boundedReply } from '~/platform/form-reply.server';
import { getT } from '~/platform/i18n.server';
import { completeSecondFactor, pendingSecondFactor } from '~/platform/login.server';
import { redirectWithToast } from '~/platform/toast.server';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'titles.loginCode');

// A TOTP code is 6 digits; a recovery code 10 characters with a dash. Spaces people type are ignored later.
const LoginCodeSchema = z.object({
  code: z.string().trim().min(6).max(20),
  redirectTo: z.string().max(2000).optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getUser(request)) return redirect('/dashboard');
  if (!(await pendingSecondFactor(request))) return redirect('/login');
  return json(null);
}

export async function action({ request }: ActionFunctionArgs) {
  const { t } = await getT(request);
  const submission = parseWithZod(await request.formData(), { schema: LoginCodeSchema });
  if (submission.status !== 'success') {
    return json(boundedReply(submission, LoginCodeSchema, { hideFields: ['code'], fieldErrors: { code: [t('login.codeInvalid')] } }), { status: 400 });
  }
  const result = await completeSecondFactor(request, submission.value.code);
  if (!result.ok) {
    const message =
      result.reason === 'throttled'
        ? t('login.throttledMinutes', { count: Math.ceil(result.retryAfterSeconds / 60) })
        : result.reason === 'expired'
          ? t('login.codeExpired')
          : t('login.codeInvalid');
    const status = result.reason === 'throttled' ? 429 : 400;
    return json(boundedReply(submission, LoginCodeSchema, { formErrors: [message], hideFields: ['code'] }), { status });
  }
  const to = safeRedirect(submission.value.redirectTo);
  if (result.method === 'recovery_code') {
    return redirectWithToast(
      request,
      to,
      { kind: 'info', message: t('login.recoveryCodeUsed', { count: result.recoveryCodesLeft }) },
      { headers: result.headers },
    );
  }
  return redirect(to, { headers: result.headers });
}

export default function LoginCodePage() {
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const { t } = useTranslation();
  const [form, fields] = useForm({ lastResult });
  return (
    <div className="flex min-h-[80vh] items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <h1 className="text-center text-2xl font-bold tracking-tight text-slate-900">{t('login.codeTitle')}</h1>
        <p className="mt-2 text-center text-sm text-slate-600">{t('login.codeHelp')}</p>
        <Form method="post" className="card mt-6 space-y-4" {...getFormProps(form)}>
          <input type="hidden" name="redirectTo" value={searchParams.get('redirectTo') ?? ''} />
          {form.errors ? (
            <p id={form.errorId} role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
              {form.errors[0]}
            </p>
          ) : null}
          <div>
            <label htmlFor={fields.code.id} className="field-label">
              {t('login.code')}
            </label>
            {/* The only thing to do on this page. */}
            {/* eslint-disable-next-line jsx-a11y/no-autofocus */}
            <input {...getInputProps(fields.code, { type: 'text' })} autoComplete="one-time-code" inputMode="numeric" className="field-input" autoFocus />
            <p id={fields.code.errorId} className="field-error">
              {fields.code.errors?.[0]}
            </p>
          </div>
          <button type="submit" className="btn-primary w-full" disabled={navigation.state === 'submitting'}>
            {t('login.codeSubmit')}
          </button>
        </Form>
        <p className="mt-4 text-center text-sm">
          <Link to="/login" className="text-indigo-700 hover:underline">
            {t('login.startAgain')}
          </Link>
        </p>
      </div>
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
