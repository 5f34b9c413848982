import { parseWithZod } from '@conform-to/zod';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';

import { ErrorPage } from '~/components/error-page';
import { pageTitle } from '~/components/page-title';
import { clientIp } from '~/platform/audit.server';
import { requireUser } from '~/platform/auth.server';
import { getT } from '~/platform/i18n.server';
import { redirectWithToast } from '~/platform/toast.server';
import {
  confirmEnrolment,
  isTwoFactorEnrolled,
  recoveryCodesLeft,
  regenerateRecoveryCodes,
  removeTwoFactor,
  startEnrolment,
  verifySecondFactor,
} from '~/platform/two-factor.server';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'titles.twoFactor');

const TwoFactorActionSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('confirm'), code: z.string().trim().max(20) }),
  z.object({ intent: z.literal('regenerate') }),
  z.object({ intent: z.literal('remove'), code: z.string().trim().max(20) }),
]);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const required = user.twoFactorRequired;
  if (isTwoFactorEnrolled(user.id)) {
    return json(
      { enrolled: true as const, required, recoveryCodesLeft: recoveryCodesLeft(user.id), setup: null },
      { headers: { 'Cache-Control': 'no-store' } },
    );
  }
  const setup = await startEnrolment({ userId: user.id, email: user.email });
  return json(
    { enrolled: false as const, required, recoveryCodesLeft: 0, setup: setup.ok ? { secret: setup.secret, qrDataUrl: setup.qrDataUrl } : null },
    // The page carries the secret: never cached.
    { headers: { 'Cache-Control': 'no-store' } },
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const { t } = await getT(request);
  const actor = { id: user.id, ip: clientIp(request) };
  const submission = parseWithZod(await request.formData(), { schema: TwoFactorActionSchema });
  if (submission.status !== 'success') return json({ error: t('errors.badRequest.title'), recoveryCodes: null }, { status: 400 });
  const value = submission.value;
  if (value.intent === 'confirm') {
    const result = confirmEnrolment({ userId: user.id, code: value.code }, actor);
    if (!result.ok)
      return json({ error: t(result.reason === 'bad_code' ? 'twoFactor.badCode' : 'twoFactor.notEnrolling'), recoveryCodes: null }, { status: 400 });
    // Shown once, in this response only: the database keeps hashes.
    return json({ error: null, recoveryCodes: result.recoveryCodes }, { headers: { 'Cache-Control': 'no-store' } });
  }
  if (value.intent === 'regenerate') {
    const result = regenerateRecoveryCodes({ userId: user.id }, actor);
    if (!result.ok) return json({ error: t('twoFactor.notEnrolling'), recoveryCodes: null }, { status: 400 });
    return json({ error: null, recoveryCodes: result.recoveryCodes }, { headers: { 'Cache-Control': 'no-store' } });
  }
  // Turning it off: only where the role does not require it, and only with a current code from the app.
  if (user.twoFactorRequired) throw new Response('Forbidden', { status: 403 });
  const check = verifySecondFactor({ userId: user.id, code: value.code });
  if (!check.ok || check.method !== 'totp') return json({ error: t('twoFactor.badCode'), recoveryCodes: null }, { status: 400 });
  removeTwoFactor({ userId: user.id }, actor);
  return redirectWithToast(request, '/account/two-factor', { kind: 'success', message: t('twoFactor.removed') });
}

export default function TwoFactorPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <div className="max-w-xl space-y-5">
      <h1 className="text-2xl font-bold tracking-tight">{t('twoFactor.title')}</h1>
      <p className="text-slate-700">{t('twoFactor.intro')}</p>
      <p className={data.required && !data.enrolled ? 'rounded-md bg-amber-50 px-3 py-2 text-amber-950' : 'text-slate-700'}>
        {data.enrolled ? t('twoFactor.enabled') : data.required ? t('twoFactor.required') : t('twoFactor.optional')}
      </p>
      {result?.error ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {result.error}
        </p>
      ) : null}
      {result?.recoveryCodes ? (
        <RecoveryCodes codes={result.recoveryCodes} />
      ) : data.enrolled ? (
        <EnrolledActions recoveryCodesLeft={data.recoveryCodesLeft} canRemove={!data.required} />
      ) : data.setup ? (
        <EnrolmentForm secret={data.setup.secret} qrDataUrl={data.setup.qrDataUrl} />
      ) : null}
    </div>
  );
}

function EnrolmentForm({ secret, qrDataUrl }: { secret: string; qrDataUrl: string }) {
  const { t } = useTranslation();
  const busy = useNavigation().state !== 'idle';
  return (
    <Form method="post" className="card space-y-4">
      <p className="font-medium">{t('twoFactor.step1')}</p>
      <img src={qrDataUrl} alt={t('twoFactor.qrAlt')} width={200} height={200} className="rounded bg-white p-2 ring-1 ring-slate-200" />
      <p className="text-sm text-slate-700">
        {t('twoFactor.manualKey')}{' '}
        <code data-testid="totp-secret" className="break-all rounded bg-slate-100 px-1 font-mono">
          {secret}
        </code>
      </p>
      <label htmlFor="code" className="block font-medium">
        {t('twoFactor.step2')}
      </label>
      <input
        id="code"
        name="code"
        type="text"
        inputMode="numeric"
        autoComplete="one-time-code"
        className="field-input max-w-[12rem]"
        required
        aria-label={t('twoFactor.code')}
      />
      <button type="submit" className="btn-primary" disabled={busy}>
        {t('twoFactor.confirm')}
      </button>
      {/* Last, so the card's spacing starts with the first visible line. */}
      <input type="hidden" name="intent" value="confirm" />
    </Form>
  );
}

function EnrolledActions({ recoveryCodesLeft, canRemove }: { recoveryCodesLeft: number; canRemove: boolean }) {
  const { t } = useTranslation();
  const busy = useNavigation().state !== 'idle';
  return (
    <>
      <Form method="post" className="card space-y-3">
        <p className="text-sm text-slate-700">{t('twoFactor.recoveryLeft', { count: recoveryCodesLeft })}</p>
        <button type="submit" name="intent" value="regenerate" className="btn-secondary" disabled={busy}>
          {t('twoFactor.regenerate')}
        </button>
      </Form>
      {canRemove ? (
        <Form method="post" className="card space-y-3">
          <input type="hidden" name="intent" value="remove" />
          <label htmlFor="remove-code" className="field-label">
            {t('twoFactor.removeHelp')}
          </label>
          <input id="remove-code" name="code" type="text" inputMode="numeric" autoComplete="one-time-code" className="field-input max-w-[12rem]" required />
          <button type="submit" className="btn-danger" disabled={busy}>
            {t('twoFactor.remove')}
          </button>
        </Form>
      ) : null}
    </>
  );
}

function RecoveryCodes({ codes }: { codes: string[] }) {
  const { t } = useTranslation();
  return (
    <section className="card space-y-3" aria-labelledby="recovery-title">
      <h2 id="recovery-title" className="text-lg font-semibold">
        {t('twoFactor.recoveryTitle')}
      </h2>
      <p className="text-sm text-slate-700">{t('twoFactor.recoveryHelp')}</p>
      <ul className="grid grid-cols-2 gap-2 font-mono" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      {/* A full page load, so the shell (and any enrolment redirect) is worked out afresh. */}
      <Link to="/dashboard" reloadDocument className="btn-primary">
        {t('twoFactor.continue')}
      </Link>
    </section>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
