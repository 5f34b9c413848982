import { getFormProps, getInputProps, getSelectProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { ROLES } from '../../db/schema';
import { ErrorPage } from '~/components/error-page';
import { requirePermission } from '~/auth.server';
import { clientIp } from '~/audit.server';
import { CreateUserSchema } from '~/user-form';
import { createUser, listUsers } from '~/users.server';
import { redirectWithToast } from '~/toast.server';

export const meta: MetaFunction = () => [{ title: 'Users · Keyed' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'user:manage');
  return json({ users: listUsers() });
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requirePermission(request, 'user:manage');
  const submission = parseWithZod(await request.formData(), { schema: CreateUserSchema });
  if (submission.status !== 'success') return json(submission.reply({ hideFields: ['password'] }), { status: 400 });
  const result = await createUser(submission.value, { id: actor.id, ip: clientIp(request) });
  if (!result.ok) {
    return json(submission.reply({ fieldErrors: { [result.field ?? 'email']: [result.error] }, hideFields: ['password'] }), { status: 400 });
  }
  return redirectWithToast('/settings/users', { kind: 'success', message: `${submission.value.email} can now log in.` });
}

export default function UsersPage() {
  const { users } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: navigation.state === 'idle' ? lastResult : null,
    shouldValidate: 'onBlur',
    defaultValue: { role: 'staff' },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CreateUserSchema }),
  });
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Users</h1>
      <div className="overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
        <table className="min-w-full divide-y divide-slate-200">
          <caption className="sr-only">Everyone who can log in to Keyed</caption>
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className="table-head">Name</th>
              <th scope="col" className="table-head">Email</th>
              <th scope="col" className="table-head">Role</th>
              <th scope="col" className="table-head">Status</th>
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
                <td className="table-cell">{user.role}</td>
                <td className="table-cell">{user.disabledAt ? 'disabled' : 'active'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section aria-labelledby="add-user" className="max-w-xl">
        <h2 id="add-user" className="text-lg font-semibold">
          Add a user
        </h2>
        <Form method="post" className="card mt-2 space-y-4" {...getFormProps(form)}>
          {(
            [
              [fields.name, 'Name', 'text', 'off'],
              [fields.email, 'Email', 'email', 'off'],
              [fields.password, 'Temporary password (8–128 characters)', 'password', 'new-password'],
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
              Role
            </label>
            <select {...getSelectProps(fields.role)} className="field-input">
              {ROLES.map((role) => (
                <option key={role} value={role}>
                  {role}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="btn-primary" disabled={navigation.state === 'submitting'}>
            Add user
          </button>
        </Form>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
