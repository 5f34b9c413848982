import { Form, Link, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

import { ROLE_LABEL_KEYS } from '~/platform/permissions';
import type { listUsers } from '~/users/users.server';

import { DataTable } from '../data-table';
import { useFormat } from '../use-format';

type UserRow = ReturnType<typeof listUsers>[number];

/** Everyone who can log in; a person whose charging is paused says so, with a button to resume it right here. */
export function UsersTable({ users }: { users: UserRow[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const navigation = useNavigation();
  return (
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
          <tr key={user.id} data-testid={`user-${user.id}`}>
            <td className="table-cell font-medium">
              <Link to={`/settings/users/${user.id}`} className="text-indigo-700 hover:underline">
                {user.name}
              </Link>
            </td>
            <td className="table-cell">{user.email}</td>
            <td className="table-cell">{t(ROLE_LABEL_KEYS[user.role])}</td>
            <td className="table-cell">
              {user.disabledAt ? (
                t('users.disabled')
              ) : user.chargingPausedAt ? (
                <div className="flex flex-wrap items-center gap-3">
                  <span className="inline-flex rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-800 ring-1 ring-inset ring-red-200">
                    {t('users.paused', { time: format.dateTime(user.chargingPausedAt) })}
                  </span>
                  <Form method="post">
                    <input type="hidden" name="userId" value={user.id} />
                    <button
                      type="submit"
                      name="intent"
                      value="resume-charging"
                      className="btn-secondary px-2.5 py-1 text-xs"
                      aria-label={t('pausedStaff.resumeFor', { name: user.name })}
                      disabled={navigation.state !== 'idle'}
                    >
                      {t('users.resumeCharging')}
                    </button>
                  </Form>
                </div>
              ) : (
                t('users.active')
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
