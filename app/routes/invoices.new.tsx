import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useNavigation } from '@remix-run/react';
import { ErrorPage } from '~/components/error-page';
import { requirePermission } from '~/auth.server';
import { clientIp } from '~/audit.server';
import { InvoiceFormSchema } from '~/invoice-form';
import { createInvoice } from '~/invoices.server';
import { redirectWithToast } from '~/toast.server';

export const meta: MetaFunction = () => [{ title: 'New invoice · Keyed' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'invoice:write');
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, 'invoice:write');
  const submission = parseWithZod(await request.formData(), { schema: InvoiceFormSchema });
  if (submission.status !== 'success') return json(submission.reply(), { status: 400 });
  const invoice = createInvoice(submission.value, { id: user.id, ip: clientIp(request) });
  return redirectWithToast(`/invoices/${invoice.id}`, { kind: 'success', message: `Invoice ${invoice.number} created.` });
}

export default function NewInvoicePage() {
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult,
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    defaultValue: { currency: 'usd' },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: InvoiceFormSchema }),
  });
  const textField = (field: typeof fields.customerName, label: string, type: 'text' | 'email' | 'tel', autoComplete: string) => (
    <div>
      <label htmlFor={field.id} className="field-label">
        {label}
      </label>
      <input {...getInputProps(field, { type })} autoComplete={autoComplete} className="field-input" />
      <p id={field.errorId} className="field-error">
        {field.errors?.[0]}
      </p>
    </div>
  );
  return (
    <div className="max-w-2xl space-y-5">
      <h1 className="text-2xl font-bold tracking-tight">New invoice</h1>
      <Form method="post" className="card space-y-4" {...getFormProps(form)}>
        {textField(fields.customerName, 'Customer name', 'text', 'off')}
        <div className="grid gap-4 sm:grid-cols-2">
          {textField(fields.customerEmail, 'Customer email (optional, for the receipt)', 'email', 'off')}
          {textField(fields.customerPhone, 'Customer phone (optional)', 'tel', 'off')}
        </div>
        <div>
          <label htmlFor={fields.description.id} className="field-label">
            Description
          </label>
          <textarea {...getTextareaProps(fields.description)} rows={3} className="field-input" />
          <p id={fields.description.errorId} className="field-error">
            {fields.description.errors?.[0]}
          </p>
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <label htmlFor={fields.amount.id} className="field-label">
              Amount
            </label>
            <input {...getInputProps(fields.amount, { type: 'text' })} inputMode="decimal" placeholder="1099.00" className="field-input" />
            <p id={fields.amount.errorId} className="field-error">
              {fields.amount.errors?.[0]}
            </p>
          </div>
          <div>
            <label htmlFor={fields.currency.id} className="field-label">
              Currency
            </label>
            <select {...getSelectProps(fields.currency)} className="field-input">
              <option value="usd">USD — US dollar</option>
              <option value="cad">CAD — Canadian dollar</option>
            </select>
            <p id={fields.currency.errorId} className="field-error">
              {fields.currency.errors?.[0]}
            </p>
          </div>
        </div>
        <button type="submit" className="btn-primary" disabled={navigation.state === 'submitting'}>
          {navigation.state === 'submitting' ? 'Creating…' : 'Create invoice'}
        </button>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
