import { getFormProps, getInputProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { z } from 'zod';
import { ErrorPage } from '~/components/error-page';
import { getUser, login, safeRedirect } from '~/auth.server';
import { getEnv } from '~/env.server';

export const meta: MetaFunction = () => [{ title: 'Log in · Keyed' }];

const LoginFormSchema = z.object({
  email: z.string({ required_error: 'Enter your email address.' }).trim().max(254).email('Enter a valid email address.'),
  password: z.string({ required_error: 'Enter your password.' }).max(128, 'Email or password is incorrect.'),
  redirectTo: z.string().optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getUser(request)) return redirect('/dashboard');
  const env = getEnv();
  return json({ demoLogins: env.mode === 'sandbox' ? { password: env.DEMO_PASSWORD } : null });
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: LoginFormSchema });
  if (submission.status !== 'success') {
    return json(submission.reply({ hideFields: ['password'] }), { status: 400 });
  }
  const result = await login(request, submission.value.email, submission.value.password);
  if (!result.ok) {
    const message =
      result.reason === 'throttled'
        ? `Too many failed attempts. Try again in ${formatWait(result.retryAfterSeconds)}.`
        : 'Email or password is incorrect.';
    return json(submission.reply({ formErrors: [message], hideFields: ['password'] }), {
      status: result.reason === 'throttled' ? 429 : 400,
    });
  }
  return redirect(safeRedirect(submission.value.redirectTo), { headers: result.headers });
}

function formatWait(seconds: number) {
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

export default function LoginPage() {
  const { demoLogins } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult,
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LoginFormSchema }),
  });
  return (
    <div className="flex min-h-[80vh] items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <h1 className="text-center text-3xl font-bold tracking-tight text-indigo-700">Keyed</h1>
        <p className="mt-1 text-center text-sm text-slate-600">Virtual terminal — log in to take payments</p>
        <Form method="post" className="card mt-6 space-y-4" {...getFormProps(form)}>
          <input type="hidden" name="redirectTo" value={searchParams.get('redirectTo') ?? ''} />
          {form.errors ? (
            <p id={form.errorId} role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
              {form.errors[0]}
            </p>
          ) : null}
          <div>
            <label htmlFor={fields.email.id} className="field-label">
              Email
            </label>
            <input {...getInputProps(fields.email, { type: 'email' })} autoComplete="username" className="field-input" autoFocus />
            <p id={fields.email.errorId} className="field-error">
              {fields.email.errors?.[0]}
            </p>
          </div>
          <div>
            <label htmlFor={fields.password.id} className="field-label">
              Password
            </label>
            <input {...getInputProps(fields.password, { type: 'password' })} autoComplete="current-password" className="field-input" />
            <p id={fields.password.errorId} className="field-error">
              {fields.password.errors?.[0]}
            </p>
          </div>
          <button type="submit" className="btn-primary w-full" disabled={navigation.state === 'submitting'}>
            {navigation.state === 'submitting' ? 'Logging in…' : 'Log in'}
          </button>
        </Form>
        {demoLogins ? (
          <aside className="mt-4 rounded-md bg-white p-4 text-sm text-slate-700 ring-1 ring-slate-200" aria-label="Demo logins">
            <p className="font-medium text-slate-900">Demo logins (sandbox only)</p>
            <ul className="mt-1 space-y-0.5">
              <li>staff@keyed.test</li>
              <li>finance@keyed.test</li>
              <li>manager@keyed.test</li>
            </ul>
            <p className="mt-1">
              Password: <code className="rounded bg-slate-100 px-1">{demoLogins.password}</code>
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
