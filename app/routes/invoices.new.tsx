import { type FieldMetadata, getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

import { ErrorPage } from '~/components/error-page';
import { pageTitle } from '~/components/page-title';
import { invoiceFormSchema } from '~/invoices/invoice-form';
import { createInvoice } from '~/invoices/invoices.server';
import { clientIp } from '~/platform/audit.server';
import { requirePermission } from '~/platform/auth.server';
import { boundedReply } from '~/platform/form-reply.server';
import { getT } from '~/platform/i18n.server';
import { redirectWithToast } from '~/platform/toast.server';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'titles.newInvoice');

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'invoice:write');
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'invoice:write');
  const { t, locale } = await getT(request);
  const schema = invoiceFormSchema({ t, locale });
  const submission = parseWithZod(await request.formData(), { schema });
  if (submission.status !== 'success') return json(boundedReply(submission, schema), { status: 400 });
  const invoice = createInvoice(submission.value, { id: user.id, ip: clientIp(request) });
  return redirectWithToast(request, `/invoices/${invoice.id}`, { kind: 'success', message: t('invoiceForm.createdToast', { number: invoice.number }) });
}

function TextField({ field, label, type }: { field: FieldMetadata<string>; label: string; type: 'text' | 'email' | 'tel' }) {
  return (
    <div>
      <label htmlFor={field.id} className="field-label">
        {label}
      </label>
      <input {...getInputProps(field, { type })} autoComplete="off" className="field-input" />
      <p id={field.errorId} className="field-error">
        {field.errors?.[0]}
      </p>
    </div>
  );
}

export default function NewInvoicePage() {
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, i18n } = useTranslation();
  const [form, fields] = useForm({
    lastResult,
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    defaultValue: { currency: 'usd' },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: invoiceFormSchema({ t, locale: i18n.language }) }),
  });
  return (
    <div className="max-w-2xl space-y-5">
      <h1 className="text-2xl font-bold tracking-tight">{t('invoices.new')}</h1>
      <Form method="post" className="card space-y-4" {...getFormProps(form)}>
        <TextField field={fields.customerName} label={t('invoiceForm.customerName')} type="text" />
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField field={fields.customerEmail as FieldMetadata<string>} label={t('invoiceForm.customerEmail')} type="email" />
          <TextField field={fields.customerPhone as FieldMetadata<string>} label={t('invoiceForm.customerPhone')} type="tel" />
        </div>
        <div>
          <label htmlFor={fields.description.id} className="field-label">
            {t('invoiceForm.description')}
          </label>
          <textarea {...getTextareaProps(fields.description)} rows={3} className="field-input" />
          <p id={fields.description.errorId} className="field-error">
            {fields.description.errors?.[0]}
          </p>
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <label htmlFor={fields.amount.id} className="field-label">
              {t('invoiceForm.amount')}
            </label>
            <input
              {...getInputProps(fields.amount, { type: 'text' })}
              inputMode="decimal"
              placeholder={t('invoiceForm.amountPlaceholder')}
              className="field-input"
            />
            <p id={fields.amount.errorId} className="field-error">
              {fields.amount.errors?.[0]}
            </p>
          </div>
          <div>
            <label htmlFor={fields.currency.id} className="field-label">
              {t('invoiceForm.currency')}
            </label>
            <select {...getSelectProps(fields.currency)} className="field-input">
              <option value="usd">{t('invoiceForm.usd')}</option>
              <option value="cad">{t('invoiceForm.cad')}</option>
            </select>
            <p id={fields.currency.errorId} className="field-error">
              {fields.currency.errors?.[0]}
            </p>
          </div>
        </div>
        <button type="submit" className="btn-primary" disabled={navigation.state === 'submitting'}>
          {navigation.state === 'submitting' ? t('invoiceForm.creating') : t('invoiceForm.create')}
        </button>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
