import { getFormProps, getInputProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';

import { ErrorPage } from '~/components/error-page';
import { pageTitle } from '~/components/page-title';
import { clientIp } from '~/platform/audit.server';
import { requirePermission } from '~/platform/auth.server';
import { boundedReply } from '~/platform/form-reply.server';
import { getT } from '~/platform/i18n.server';
import { minorToDecimal, parseAmount } from '~/platform/money';
import { ROLE_LABEL_KEYS } from '~/platform/permissions';
import { redirectWithToast } from '~/platform/toast.server';
import { getSettings, updateSetting } from '~/settings/settings.server';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'titles.settings');

/** Percent and amount typed in the page's locale ("2,5" in French); stored as a share and minor units. */
function settingsFormSchema({ t, locale }: { t: TFunction; locale: string }) {
  return z.object({
    upgradeThresholdPercent: z.string({ required_error: t('settings.errors.threshold') }).transform((text, ctx) => {
      const parsed = parseAmount(text, locale);
      if (!parsed.ok || parsed.minor < 10 || parsed.minor > 5000) {
        ctx.addIssue({ code: 'custom', message: t('settings.errors.threshold') });
        return z.NEVER;
      }
      return parsed.minor / 10_000;
    }),
    refundApprovalThreshold: z.string({ required_error: t('settings.errors.refund') }).transform((text, ctx) => {
      const parsed = parseAmount(text, locale);
      if (!parsed.ok || parsed.minor > 99_999_999) {
        ctx.addIssue({ code: 'custom', message: t('settings.errors.refund') });
        return z.NEVER;
      }
      return parsed.minor;
    }),
    // Checkboxes: present ("on") when ticked, absent when not.
    twoFactorStaff: z.boolean().default(false),
    twoFactorFinance: z.boolean().default(false),
    twoFactorManager: z.boolean().default(false),
  });
}

const TWO_FACTOR_FIELDS = [
  ['twoFactorStaff', 'two_factor_staff', 'staff'],
  ['twoFactorFinance', 'two_factor_finance', 'finance'],
  ['twoFactorManager', 'two_factor_manager', 'manager'],
] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'settings:manage');
  const settings = getSettings();
  return json({
    upgradeThresholdPercent: minorToDecimal(Math.round(settings.upgrade_threshold_share * 10_000)),
    refundApprovalThreshold: minorToDecimal(settings.refund_approval_threshold),
    twoFactorStaff: settings.two_factor_staff === 1,
    twoFactorFinance: settings.two_factor_finance === 1,
    twoFactorManager: settings.two_factor_manager === 1,
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'settings:manage');
  const { t, locale } = await getT(request);
  const schema = settingsFormSchema({ t, locale });
  const submission = parseWithZod(await request.formData(), { schema });
  if (submission.status !== 'success') return json(boundedReply(submission, schema), { status: 400 });
  const actor = { id: user.id, ip: clientIp(request) };
  const current = getSettings();
  if (current.upgrade_threshold_share !== submission.value.upgradeThresholdPercent)
    updateSetting('upgrade_threshold_share', submission.value.upgradeThresholdPercent, actor);
  if (current.refund_approval_threshold !== submission.value.refundApprovalThreshold)
    updateSetting('refund_approval_threshold', submission.value.refundApprovalThreshold, actor);
  for (const [field, key] of TWO_FACTOR_FIELDS) {
    const wanted = submission.value[field] ? 1 : 0;
    if (current[key] !== wanted) updateSetting(key, wanted, actor);
  }
  return redirectWithToast(request, '/settings', { kind: 'success', message: t('settings.saved') });
}

export default function SettingsPage() {
  const defaults = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, i18n } = useTranslation();
  const [form, fields] = useForm({
    lastResult,
    defaultValue:
      i18n.language === 'fr-CA'
        ? {
            ...defaults,
            upgradeThresholdPercent: defaults.upgradeThresholdPercent.replace('.', ','),
            refundApprovalThreshold: defaults.refundApprovalThreshold.replace('.', ','),
          }
        : defaults,
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: settingsFormSchema({ t, locale: i18n.language }) }),
  });
  return (
    <div className="max-w-xl space-y-5">
      <h1 className="text-2xl font-bold tracking-tight">{t('nav.settings')}</h1>
      <Form method="post" className="card space-y-5" {...getFormProps(form)}>
        <div>
          <label htmlFor={fields.upgradeThresholdPercent.id} className="field-label">
            {t('settings.threshold')}
          </label>
          <input {...getInputProps(fields.upgradeThresholdPercent, { type: 'text' })} inputMode="decimal" className="field-input" />
          <p className="mt-1 text-sm text-slate-600">{t('settings.thresholdHelp')}</p>
          <p id={fields.upgradeThresholdPercent.errorId} className="field-error">
            {fields.upgradeThresholdPercent.errors?.[0]}
          </p>
        </div>
        <div>
          <label htmlFor={fields.refundApprovalThreshold.id} className="field-label">
            {t('settings.refund')}
          </label>
          <input {...getInputProps(fields.refundApprovalThreshold, { type: 'text' })} inputMode="decimal" className="field-input" />
          <p className="mt-1 text-sm text-slate-600">{t('settings.refundHelp')}</p>
          <p id={fields.refundApprovalThreshold.errorId} className="field-error">
            {fields.refundApprovalThreshold.errors?.[0]}
          </p>
        </div>
        <fieldset>
          <legend className="field-label">{t('settings.twoFactor')}</legend>
          <div className="mt-1 flex flex-wrap gap-4">
            {TWO_FACTOR_FIELDS.map(([field, , role]) => (
              <label key={field} className="flex items-center gap-2 text-sm">
                <input {...getInputProps(fields[field], { type: 'checkbox' })} className="h-4 w-4" />
                {t(ROLE_LABEL_KEYS[role])}
              </label>
            ))}
          </div>
          <p className="mt-1 text-sm text-slate-600">{t('settings.twoFactorHelp')}</p>
        </fieldset>
        <button type="submit" className="btn-primary" disabled={navigation.state === 'submitting'}>
          {t('settings.save')}
        </button>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
