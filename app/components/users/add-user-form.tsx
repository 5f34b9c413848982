import { getFormProps, getInputProps, getSelectProps, type SubmissionResult, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { Form, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

import { ROLE_LABEL_KEYS } from '~/platform/permissions';
import { createUserSchema } from '~/users/user-form';

import { ROLES } from '../../../db/schema';

export function AddUserForm({ lastResult }: { lastResult: SubmissionResult<string[]> | null | undefined }) {
  const navigation = useNavigation();
  const { t } = useTranslation();
  const [form, fields] = useForm({
    lastResult: navigation.state === 'idle' ? lastResult : null,
    shouldValidate: 'onBlur',
    defaultValue: { role: 'staff' },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: createUserSchema(t) }),
  });
  return (
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
  );
}
