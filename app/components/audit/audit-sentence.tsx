import { Link } from '@remix-run/react';
import { Trans, useTranslation } from 'react-i18next';

import { auditActionInfo } from '~/platform/audit-actions';
import type { AuditSubject } from '~/platform/audit-log.server';
import { ROLE_LABEL_KEYS } from '~/platform/permissions';

import { useFormat } from '../use-format';

export type AuditEventView = {
  action: string;
  actorName: string | null;
  subject: AuditSubject | null;
  details: Record<string, string | number | boolean>;
};

const LOGIN_FAILURE_KEYS: Record<string, string> = {
  bad_password: 'auditLog.loginFailure.badPassword',
  disabled: 'auditLog.loginFailure.disabled',
  unknown_email: 'auditLog.loginFailure.unknownEmail',
};
const SETTING_KEYS: Record<string, string> = {
  upgrade_threshold_share: 'settings.threshold',
  refund_approval_threshold: 'settings.refund',
};

/** One audit event as a sentence: who did what, with amounts formatted and the subject linked. */
export function AuditSentence({ event }: { event: AuditEventView }) {
  const { t } = useTranslation();
  const format = useFormat();
  const d = event.details;
  const text = (key: string) => (typeof d[key] === 'string' || typeof d[key] === 'number' ? String(d[key]) : '');
  const role = (value: string) => (value in ROLE_LABEL_KEYS ? t(ROLE_LABEL_KEYS[value as keyof typeof ROLE_LABEL_KEYS]) : value);
  const settingValue = (value: string) => {
    if (!value) return t('auditLog.defaultValue');
    const n = Number(value);
    if (!Number.isFinite(n)) return value;
    if (event.subject?.id === 'upgrade_threshold_share')
      return new Intl.NumberFormat(format.locale === 'fr-CA' ? 'fr-CA' : 'en-US', { style: 'percent', maximumFractionDigits: 2 }).format(n);
    return format.number(n / 100);
  };
  const isSettings = event.subject?.type === 'setting';
  const values = {
    // Nobody: Keyed itself (a webhook, the reconciler, the card-testing defence).
    actor: event.actorName ?? 'Keyed',
    subject: event.subject
      ? event.subject.type === 'setting'
        ? t(SETTING_KEYS[event.subject.id] ?? 'auditLog.unknownSetting')
        : event.subject.label
      : t('auditLog.noSubject'),
    amount: typeof d.amount === 'number' && typeof d.currency === 'string' ? format.money(d.amount, d.currency) : '',
    account: text('email') || t('auditLog.unknownAccount'),
    why: t(LOGIN_FAILURE_KEYS[text('reason')] ?? 'auditLog.loginFailure.other'),
    role: role(text('role')),
    from: isSettings ? settingValue(text('from')) : role(text('from')),
    to: isSettings ? settingValue(text('to')) : role(text('to')),
    declines: text('declines'),
    minutes: text('windowMinutes'),
  };
  const info = auditActionInfo(event.action);
  const subject = event.subject ? <Link to={event.subject.href} className="font-medium text-indigo-700 underline" /> : <span />;
  return <Trans t={t} i18nKey={info?.sentence ?? 'auditLog.sentences.other'} values={values} components={{ subject }} />;
}
