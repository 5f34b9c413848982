import { getFormProps, getInputProps, getSelectProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

import { DataTable } from '~/components/data-table';
import { ErrorPage } from '~/components/error-page';
import { pageTitle } from '~/components/page-title';
import { clientIp } from '~/platform/audit.server';
import { requirePermission } from '~/platform/auth.server';
import { isCommonPassword } from '~/platform/common-passwords.server';
import { boundedReply } from '~/platform/form-reply.server';
import { getT } from '~/platform/i18n.server';
import { ROLE_LABEL_KEYS } from '~/platform/permissions';
import { redirectWithToast } from '~/platform/toast.server';
import { createUserSchema, USER_REFUSAL_KEYS } from '~/users/user-form';
import { createUser, listUsers } from '~/users/users.server';

import { ROLES } from '../../db/schema';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'titles.users');

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'user:manage');
  return json({ users: listUsers() });
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requirePermission(request, 'user:manage');
  const { t } = await getT(request);
  const schema = createUserSchema(t, { isCommon: isCommonPassword });
  const submission = parseWithZod(await request.formData(), { schema });
  if (submission.status !== 'success') return json(boundedReply(submission, schema, { hideFields: ['password'] }), { status: 400 });
  const result = await createUser(submission.value, { id: actor.id, ip: clientIp(request) });
  if (!result.ok) {
    return json(
      boundedReply(submission, schema, { fieldErrors: { [result.field ?? 'email']: [t(USER_REFUSAL_KEYS[result.reason])] }, hideFields: ['password'] }),
      {
        status: 400,
      },
    );
  }
  return redirectWithToast(request, '/settings/users', { kind: 'success', message: t('users.created', { email: submission.value.email }) });
}

export default function UsersPage() {
  const { users } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation();
  const [form, fields] = useForm({
    lastResult: navigation.state === 'idle' ? lastResult : null,
    shouldValidate: 'onBlur',
    defaultValue: { role: 'staff' },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: createUserSchema(t) }),
  });
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">{t('nav.users')}</h1>
      <DataTable caption={t('users.caption')}>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className="table-head">
              {t('users.name')}
            </th>
            <th scope="col" className="table-head">
              {t('users.email')}
            </th>
            <th scope="col" className="table-head">
              {t('users.role')}
            </th>
            <th scope="col" className="table-head">
              {t('invoices.status')}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {users.map((user) => (
            <tr key={user.id}>
              <td className="table-cell font-medium">
                <Link to={`/settings/users/${user.id}`} className="text-indigo-700 hover:underline">
                  {user.name}
                </Link>
              </td>
              <td className="table-cell">{user.email}</td>
              <td className="table-cell">{t(ROLE_LABEL_KEYS[user.role])}</td>
              <td className="table-cell">{user.disabledAt ? t('users.disabled') : t('users.active')}</td>
            </tr>
          ))}
        </tbody>
      </DataTable>
      <section aria-labelledby="add-user" className="max-w-xl">
        <h2 id="add-user" className="text-lg font-semibold">
          {t('users.add')}
        </h2>
        <Form method="post" className="card mt-2 space-y-4" {...getFormProps(form)}>
          {(
            [
              [fields.name, t('users.name'), 'text', 'off'],
              [fields.email, t('users.email'), 'email', 'off'],
              [fields.password, t('users.temporaryPassword'), 'password', 'new-password'],
            ] as const
          ).map(([field, label, type, autoComplete]) => (
            <div key={field.name}>
              <label htmlFor={field.id} className="field-label">
                {label}
              </label>
              <input {...getInputProps(field, { type })} autoComplete={autoComplete} className="field-input" />
              <p id={field.errorId} className="field-error">
                {field.errors?.[0]}
              </p>
            </div>
          ))}
          <div>
            <label htmlFor={fields.role.id} className="field-label">
              {t('users.role')}
            </label>
            <select {...getSelectProps(fields.role)} className="field-input">
              {ROLES.map((role) => (
                <option key={role} value={role}>
                  {t(ROLE_LABEL_KEYS[role])}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="btn-primary" disabled={navigation.state === 'submitting'}>
            {t('users.addButton')}
          </button>
        </Form>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
