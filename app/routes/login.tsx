import { getFormProps, getInputProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';

import { ErrorPage } from '~/components/error-page';
import { pageTitle } from '~/components/page-title';
import { getUser, safeRedirect } from '~/platform/auth.server';
import { getEnv } from '~/platform/env.server';
import { boundedReply } from '~/platform/form-reply.server';
import { getT } from '~/platform/i18n.server';
import { login } from '~/platform/login.server';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'titles.login');

function loginFormSchema(t: TFunction) {
  return z.object({
    email: z
      .string({ required_error: t('validation.email') })
      .trim()
      .max(254)
      .email(t('validation.email')),
    password: z.string({ required_error: t('validation.password.required') }).max(128, t('login.invalid')),
    redirectTo: z.string().optional(),
  });
}

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getUser(request)) return redirect('/dashboard');
  const env = getEnv();
  return json({ demoLogins: env.mode === 'sandbox' ? { password: env.DEMO_PASSWORD } : null });
}

export async function action({ request }: ActionFunctionArgs) {
  const { t } = await getT(request);
  const schema = loginFormSchema(t);
  const submission = parseWithZod(await request.formData(), { schema });
  if (submission.status !== 'success') {
    return json(boundedReply(submission, schema, { hideFields: ['password'] }), { status: 400 });
  }
  const result = await login(request, submission.value.email, submission.value.password);
  if (!result.ok) {
    const message =
      result.reason === 'throttled'
        ? result.retryAfterSeconds < 90
          ? t('login.throttledSeconds', { count: result.retryAfterSeconds })
          : t('login.throttledMinutes', { count: Math.ceil(result.retryAfterSeconds / 60) })
        : t('login.invalid');
    return json(boundedReply(submission, schema, { formErrors: [message], hideFields: ['password'] }), {
      status: result.reason === 'throttled' ? 429 : 400,
    });
  }
  const redirectTo = safeRedirect(submission.value.redirectTo);
  if (result.secondFactor) return redirect(`/login/two-factor?${new URLSearchParams({ redirectTo })}`, { headers: result.headers });
  return redirect(redirectTo, { headers: result.headers });
}

export default function LoginPage() {
  const { demoLogins } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const { t } = useTranslation();
  const [form, fields] = useForm({
    lastResult,
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: loginFormSchema(t) }),
  });
  return (
    <div className="flex min-h-[80vh] items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <h1 className="text-center text-3xl font-bold tracking-tight text-indigo-700">Keyed</h1>
        <p className="mt-1 text-center text-sm text-slate-600">{t('login.tagline')}</p>
        <Form method="post" className="card mt-6 space-y-4" {...getFormProps(form)}>
          <input type="hidden" name="redirectTo" value={searchParams.get('redirectTo') ?? ''} />
          {form.errors ? (
            <p id={form.errorId} role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
              {form.errors[0]}
            </p>
          ) : null}
          <div>
            <label htmlFor={fields.email.id} className="field-label">
              {t('login.email')}
            </label>
            {/* The page has one task, so the cursor starts where it begins. */}
            {/* eslint-disable-next-line jsx-a11y/no-autofocus */}
            <input {...getInputProps(fields.email, { type: 'email' })} autoComplete="username" className="field-input" autoFocus />
            <p id={fields.email.errorId} className="field-error">
              {fields.email.errors?.[0]}
            </p>
          </div>
          <div>
            <label htmlFor={fields.password.id} className="field-label">
              {t('login.password')}
            </label>
            <input {...getInputProps(fields.password, { type: 'password' })} autoComplete="current-password" className="field-input" />
            <p id={fields.password.errorId} className="field-error">
              {fields.password.errors?.[0]}
            </p>
          </div>
          <button type="submit" className="btn-primary w-full" disabled={navigation.state === 'submitting'}>
            {navigation.state === 'submitting' ? t('login.submitting') : t('login.submit')}
          </button>
        </Form>
        {demoLogins ? (
          <aside className="mt-4 rounded-md bg-white p-4 text-sm text-slate-700 ring-1 ring-slate-200" aria-label={t('login.demoTitle')}>
            <p className="font-medium text-slate-900">{t('login.demoTitle')}</p>
            <ul className="mt-1 space-y-0.5">
              <li>staff@keyed.test</li>
              <li>finance@keyed.test</li>
              <li>manager@keyed.test</li>
            </ul>
            <p className="mt-1">
              {t('login.demoPassword')} <code className="rounded bg-slate-100 px-1">{demoLogins.password}</code>
            </p>
          </aside>
        ) : null}
      </div>
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
