import { Form, Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

import { AUDIT_ACTIONS, AUDIT_GROUP_KEYS, AUDIT_GROUPS } from '~/platform/audit-actions';
import type { AuditFilterErrors } from '~/platform/audit-log.server';

const ERROR_KEYS = {
  invalid_actor: 'auditLog.errors.choice',
  invalid_action: 'auditLog.errors.choice',
  invalid_date: 'auditLog.errors.date',
  before_from: 'auditLog.errors.beforeFrom',
} as const;

/** Person, action and dates: a GET form, so the filter lives in the URL and a bad value comes back as a field error. */
export function AuditFilters({ values, errors, people }: { values: URLSearchParams; errors: AuditFilterErrors; people: { id: number; name: string }[] }) {
  const { t } = useTranslation();
  const error = (name: keyof AuditFilterErrors) =>
    errors[name] ? (
      <p id={`audit-${name}-error`} className="field-error">
        {t(ERROR_KEYS[errors[name]!])}
      </p>
    ) : null;
  const props = (name: keyof AuditFilterErrors) => ({
    id: `audit-${name}`,
    name,
    defaultValue: values.get(name) ?? '',
    className: 'field-input',
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': errors[name] ? `audit-${name}-error` : undefined,
  });
  return (
    <Form method="get" className="card grid max-w-4xl gap-3 sm:grid-cols-2" aria-label={t('auditLog.filters')}>
      <div>
        <label htmlFor="audit-actor" className="field-label">
          {t('auditLog.person')}
        </label>
        <select {...props('actor')}>
          <option value="">{t('auditLog.anyone')}</option>
          <option value="system">{t('auditLog.system')}</option>
          {people.map((person) => (
            <option key={person.id} value={person.id}>
              {person.name}
            </option>
          ))}
        </select>
        {error('actor')}
      </div>
      <div>
        <label htmlFor="audit-action" className="field-label">
          {t('auditLog.action')}
        </label>
        <select {...props('action')}>
          <option value="">{t('auditLog.anyAction')}</option>
          {AUDIT_GROUPS.map((group) => (
            <optgroup key={group} label={t(AUDIT_GROUP_KEYS[group])}>
              {AUDIT_ACTIONS.filter((a) => a.group === group).map((a) => (
                <option key={a.action} value={a.action}>
                  {t(a.label)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        {error('action')}
      </div>
      <div>
        <label htmlFor="audit-from" className="field-label">
          {t('charges.from')}
        </label>
        <input type="date" {...props('from')} />
        {error('from')}
      </div>
      <div>
        <label htmlFor="audit-to" className="field-label">
          {t('charges.to')}
        </label>
        <input type="date" {...props('to')} />
        {error('to')}
      </div>
      <div className="flex items-end gap-2 sm:col-span-2">
        <button type="submit" className="btn-primary">
          {t('charges.apply')}
        </button>
        <Link to="/audit" className="btn-secondary">
          {t('charges.clear')}
        </Link>
      </div>
    </Form>
  );
}
