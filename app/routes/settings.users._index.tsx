import { parseWithZod } from '@conform-to/zod';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';

import { ErrorPage } from '~/components/error-page';
import { pageTitle } from '~/components/page-title';
import { AddUserForm } from '~/components/users/add-user-form';
import { UsersTable } from '~/components/users/users-table';
import { resumeCharging } from '~/payments/card-testing.server';
import { clientIp } from '~/platform/audit.server';
import { requirePermission } from '~/platform/auth.server';
import { isCommonPassword } from '~/platform/common-passwords.server';
import { boundedReply } from '~/platform/form-reply.server';
import { getT } from '~/platform/i18n.server';
import { redirectWithToast } from '~/platform/toast.server';
import { createUserSchema, USER_REFUSAL_KEYS } from '~/users/user-form';
import { createUser, listUsers } from '~/users/users.server';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'titles.users');

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'user:manage');
  return json({ users: listUsers() });
}

const ResumeSchema = z.object({ intent: z.literal('resume-charging'), userId: z.coerce.number().int().positive() });

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requirePermission(request, 'user:manage');
  const { t } = await getT(request);
  const form = await request.formData();
  if (form.get('intent') === 'resume-charging') {
    const resume = ResumeSchema.safeParse(Object.fromEntries(form));
    if (!resume.success) return json({ listError: t('errors.badRequest.title'), submission: null }, { status: 400 });
    const result = resumeCharging({ userId: resume.data.userId }, { id: actor.id, ip: clientIp(request) });
    if (!result.ok) return json({ listError: t(USER_REFUSAL_KEYS[result.reason]), submission: null }, { status: 409 });
    return redirectWithToast(request, '/settings/users', { kind: 'success', message: t('users.toast.chargingResumed') });
  }
  const schema = createUserSchema(t, { isCommon: isCommonPassword });
  const submission = parseWithZod(form, { schema });
  if (submission.status !== 'success')
    return json({ listError: null, submission: boundedReply(submission, schema, { hideFields: ['password'] }) }, { status: 400 });
  const result = await createUser(submission.value, { id: actor.id, ip: clientIp(request) });
  if (!result.ok) {
    const fieldErrors = { [result.field ?? 'email']: [t(USER_REFUSAL_KEYS[result.reason])] };
    return json({ listError: null, submission: boundedReply(submission, schema, { fieldErrors, hideFields: ['password'] }) }, { status: 400 });
  }
  return redirectWithToast(request, '/settings/users', { kind: 'success', message: t('users.created', { email: submission.value.email }) });
}

export default function UsersPage() {
  const { users } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">{t('nav.users')}</h1>
      {actionData?.listError ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {actionData.listError}
        </p>
      ) : null}
      <UsersTable users={users} />
      <AddUserForm lastResult={actionData?.submission} />
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
