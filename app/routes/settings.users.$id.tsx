import { parseWithZod } from '@conform-to/zod';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

import { ErrorPage } from '~/components/error-page';
import { pageTitle } from '~/components/page-title';
import { useFormat } from '~/components/use-format';
import { resumeCharging } from '~/payments/card-testing.server';
import { clientIp } from '~/platform/audit.server';
import { requirePermission } from '~/platform/auth.server';
import { isCommonPassword } from '~/platform/common-passwords.server';
import { notFound, requireIdParam } from '~/platform/http.server';
import { getT } from '~/platform/i18n.server';
import { ROLE_LABEL_KEYS } from '~/platform/permissions';
import { redirectWithToast } from '~/platform/toast.server';
import { isTwoFactorEnrolled } from '~/platform/two-factor.server';
import { USER_REFUSAL_KEYS, userActionSchema } from '~/users/user-form';
import { changeUserRole, getUserForAdmin, resetUserPassword, resetUserTwoFactor, setUserDisabled } from '~/users/users.server';

import { ROLES } from '../../db/schema';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'titles.user');

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requirePermission(request, 'user:manage');
  const user = getUserForAdmin({ id: requireIdParam(params.id) });
  if (!user) throw notFound();
  return json({ user, isSelf: user.id === actor.id, twoFactorEnrolled: isTwoFactorEnrolled(user.id) });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requirePermission(request, 'user:manage');
  const id = requireIdParam(params.id);
  if (!getUserForAdmin({ id })) throw notFound();
  const { t } = await getT(request);
  const submission = parseWithZod(await request.formData(), { schema: userActionSchema(t, { isCommon: isCommonPassword }) });
  if (submission.status !== 'success') {
    return json({ intent: null, errors: submission.error ?? {} }, { status: 400 });
  }
  const by = { id: actor.id, ip: clientIp(request) };
  const value = submission.value;
  const result =
    value.intent === 'change-role'
      ? changeUserRole({ id, role: value.role }, by)
      : value.intent === 'reset-password'
        ? await resetUserPassword({ id, password: value.password }, by)
        : value.intent === 'resume-charging'
          ? resumeCharging({ userId: id }, by)
          : value.intent === 'reset-two-factor'
            ? resetUserTwoFactor({ id }, by)
            : setUserDisabled({ id, disabled: value.intent === 'disable' }, by);
  if (!result.ok) return json({ intent: value.intent, errors: { form: [t(USER_REFUSAL_KEYS[result.reason])] } }, { status: 400 });
  const messages = {
    'change-role': 'users.toast.roleChanged',
    'reset-password': 'users.toast.passwordReset',
    disable: 'users.toast.disabled',
    enable: 'users.toast.enabled',
    'resume-charging': 'users.toast.chargingResumed',
    'reset-two-factor': 'users.toast.twoFactorReset',
  } as const;
  return redirectWithToast(request, `/settings/users/${id}`, { kind: 'success', message: t(messages[value.intent]) });
}

export default function UserPage() {
  const { user, isSelf, twoFactorEnrolled } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation();
  const format = useFormat();
  const busy = navigation.state !== 'idle';
  const errors = (result?.errors ?? {}) as Record<string, string[] | null | undefined>;
  const formError = errors.form?.[0];
  return (
    <div className="max-w-xl space-y-5">
      <p className="text-sm">
        <Link to="/settings/users" className="text-indigo-700 hover:underline">
          ← {t('nav.users')}
        </Link>
      </p>
      <h1 className="text-2xl font-bold tracking-tight">{user.name}</h1>
      <p className="text-slate-700" data-testid="user-status">
        {user.email} ·{' '}
        {user.disabledAt
          ? t('users.disabled')
          : user.chargingPausedAt
            ? t('users.paused', { time: format.dateTime(user.chargingPausedAt) })
            : t('users.active')}
      </p>
      {formError ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {formError}
        </p>
      ) : null}
      <Form method="post" className="card space-y-3">
        <input type="hidden" name="intent" value="change-role" />
        <label htmlFor="role" className="field-label">
          {t('users.role')}
        </label>
        <select id="role" name="role" defaultValue={user.role} className="field-input">
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {t(ROLE_LABEL_KEYS[role])}
            </option>
          ))}
        </select>
        <button type="submit" className="btn-secondary" disabled={busy}>
          {t('users.changeRole')}
        </button>
      </Form>
      <Form method="post" className="card space-y-3">
        <input type="hidden" name="intent" value="reset-password" />
        <label htmlFor="password" className="field-label">
          {t('users.newPassword')}
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          className="field-input"
          aria-invalid={errors.password ? true : undefined}
          aria-describedby="password-error"
        />
        <p id="password-error" className="field-error">
          {errors.password?.[0]}
        </p>
        <button type="submit" className="btn-secondary" disabled={busy}>
          {t('users.resetPassword')}
        </button>
      </Form>
      {user.chargingPausedAt ? (
        <Form method="post" className="card space-y-3">
          <p className="text-sm text-red-900">{t('users.pausedExplanation')}</p>
          <input type="hidden" name="intent" value="resume-charging" />
          <button type="submit" className="btn-secondary" disabled={busy}>
            {t('users.resumeCharging')}
          </button>
        </Form>
      ) : null}
      {twoFactorEnrolled && !isSelf ? (
        <Form method="post" className="card space-y-3">
          <p className="text-sm text-slate-700">{t('users.twoFactorOn')}</p>
          <input type="hidden" name="intent" value="reset-two-factor" />
          <button type="submit" className="btn-secondary" disabled={busy}>
            {t('users.resetTwoFactor')}
          </button>
        </Form>
      ) : null}
      {isSelf ? null : (
        <Form method="post" className="card">
          <input type="hidden" name="intent" value={user.disabledAt ? 'enable' : 'disable'} />
          <button type="submit" className={user.disabledAt ? 'btn-secondary' : 'btn-danger'} disabled={busy}>
            {user.disabledAt ? t('users.enable') : t('users.disable')}
          </button>
        </Form>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
