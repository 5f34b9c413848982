import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { ErrorPage } from '~/components/error-page';
import { requirePermission } from '~/auth.server';
import { countInvoicesByStatus } from '~/invoices.server';
import { formatMoney } from '~/money';
import { can } from '~/permissions';

export const meta: MetaFunction = () => [{ title: 'Dashboard · Keyed' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'dashboard:view');
  return json({ user: { name: user.name, role: user.role }, invoiceTotals: countInvoicesByStatus() });
}

export default function Dashboard() {
  const { user, invoiceTotals } = useLoaderData<typeof loader>();
  const open = invoiceTotals.filter((t) => t.status === 'open');
  const openCount = open.reduce((n, t) => n + t.n, 0);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Good to see you, {user.name.split(' ')[0]}</h1>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        <section className="card" aria-labelledby="open-invoices">
          <h2 id="open-invoices" className="text-sm font-medium text-slate-600">
            Open invoices
          </h2>
          <p className="mt-1 text-3xl font-semibold">{openCount}</p>
          <ul className="mt-1 text-sm text-slate-700">
            {open.map((t) => (
              <li key={t.currency}>{formatMoney(t.amount, t.currency)} due</li>
            ))}
          </ul>
        </section>
        {can(user.role, 'terminal:charge') ? (
          <section className="card" aria-labelledby="take-payment">
            <h2 id="take-payment" className="text-sm font-medium text-slate-600">
              Take a payment
            </h2>
            <p className="mt-1 text-sm text-slate-700">Pick an invoice and key in the customer's card.</p>
            <a href="/terminal" className="btn-primary mt-3">
              Open the terminal
            </a>
          </section>
        ) : null}
        {can(user.role, 'invoice:write') ? (
          <section className="card" aria-labelledby="new-invoice">
            <h2 id="new-invoice" className="text-sm font-medium text-slate-600">
              Invoices
            </h2>
            <p className="mt-1 text-sm text-slate-700">Create an invoice for a phone order.</p>
            <Link to="/invoices/new" className="btn-secondary mt-3">
              New invoice
            </Link>
          </section>
        ) : null}
        {can(user.role, 'user:manage') ? (
          <section className="card" aria-labelledby="team">
            <h2 id="team" className="text-sm font-medium text-slate-600">
              Team
            </h2>
            <p className="mt-1 text-sm text-slate-700">Add staff, change roles and disable accounts.</p>
            <Link to="/settings/users" className="btn-secondary mt-3">
              Manage users
            </Link>
          </section>
        ) : null}
      </div>
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
