import { parseWithZod } from '@conform-to/zod';
import { createRemixStub } from '@remix-run/testing';
import { eq } from 'drizzle-orm';
import { createInstance } from 'i18next';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import { describe, expect, it } from 'vitest';

import { invoiceFormSchema } from '~/invoices/invoice-form';
import { createInvoice, getInvoice, listInvoices, voidInvoice } from '~/invoices/invoices.server';
import { getDb } from '~/platform/db.server';
import { fixedT, i18nConfig } from '~/platform/i18n';
import InvoicePage, { action as invoiceAction, loader as invoiceLoader } from '~/routes/invoices.$id';
import { action as newInvoiceAction } from '~/routes/invoices.new';

import { auditEvents, invoices } from '../../db/schema';
import { useTestDatabase } from '../helpers/database';
import { createTestUser, requestAs, respond } from '../helpers/users';

useTestDatabase();

const valid = {
  customerName: 'Ada Lovelace',
  customerEmail: 'ada@example.com',
  customerPhone: '+1 (416) 555-0100',
  description: 'Analytical engine parts',
  amount: '1,099.00',
  currency: 'usd',
};

function validate(overrides: Record<string, string>) {
  const form = new FormData();
  for (const [k, v] of Object.entries({ ...valid, ...overrides })) form.set(k, v);
  return parseWithZod(form, { schema: invoiceFormSchema({ t: fixedT('en'), locale: 'en' }) });
}

describe('invoice validation', () => {
  it.each([
    ['12.345', 'Use at most two decimal places.'],
    ['-1', 'The amount must be positive.'],
    ['0.49', "Stripe's minimum card charge is $0.50 USD."],
    ['1e3', 'Enter the amount as a number, like 1,099.00.'],
    ['abc', 'Enter the amount as a number, like 1,099.00.'],
    ['1000000.00', 'The most one card charge can be is $999,999.99 USD.'],
    ['99999999999999999999', 'That amount is too large.'],
    ['', 'Enter an amount.'],
  ])('amount %j → field error', (amount, message) => {
    const submission = validate({ amount });
    expect(submission.status).toBe('error');
    expect(submission.reply().error?.amount).toEqual([message]);
  });

  it('reports a bad amount even while other fields are still empty', () => {
    const submission = validate({ amount: 'abc', customerName: '', description: '' });
    expect(submission.reply().error).toMatchObject({
      amount: ['Enter the amount as a number, like 1,099.00.'],
      customerName: ['Enter the customer name.'],
      description: ['Describe what the invoice is for.'],
    });
  });

  it('refuses currencies other than USD and CAD', () => {
    expect(validate({ currency: 'eur' }).reply().error?.currency).toEqual(['Choose USD or CAD.']);
  });

  it('accepts a valid invoice and stores integer minor units', () => {
    const submission = validate({});
    expect(submission.status).toBe('success');
    expect(submission.status === 'success' && submission.value).toMatchObject({ amount: 109900, currency: 'usd', customerEmail: 'ada@example.com' });
  });

  it('the create action answers bad input with 400 and field errors, and writes nothing', async () => {
    const finance = await createTestUser('finance');
    for (const bad of [
      { amount: '12.345' },
      { amount: '-1' },
      { amount: '0.49' },
      { amount: '1e3' },
      { amount: 'abc' },
      { currency: 'eur' },
      { customerName: '' },
      { customerEmail: 'not-an-email' },
    ]) {
      const request = await requestAs(finance.id, '/invoices/new', { form: { ...valid, ...bad } });
      const response = await respond(() => newInvoiceAction({ request, params: {}, context: {} }));
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(Object.keys(body.error)).toEqual(Object.keys(bad));
    }
    expect(getDb().select().from(invoices).all()).toHaveLength(0);
  });

  it('the create action stores the invoice, audits it and redirects with a toast', async () => {
    const finance = await createTestUser('finance');
    const request = await requestAs(finance.id, '/invoices/new', { form: valid });
    const response = await respond(() => newInvoiceAction({ request, params: {}, context: {} }));
    expect(response.status).toBe(302);
    const [invoice] = getDb().select().from(invoices).all();
    expect(invoice).toMatchObject({ number: 'INV-1001', amount: 109900, currency: 'usd', status: 'open', createdByUserId: finance.id });
    expect(response.headers.get('Location')).toBe(`/invoices/${invoice!.id}`);
    expect(response.headers.get('Set-Cookie')).toContain('keyed_toast=');
    expect(getDb().select().from(auditEvents).where(eq(auditEvents.action, 'invoice.created')).all()).toHaveLength(1);
  });

  it('renders HTML in customer names as text, never as markup', async () => {
    const finance = await createTestUser('finance');
    const nasty = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    const { id } = createInvoice(
      { customerName: nasty, customerEmail: null, customerPhone: null, description: '<b>bold</b>', amount: 5000, currency: 'cad' },
      { id: finance.id },
    );
    const request = await requestAs(finance.id, `/invoices/${id}`);
    const data = await (await respond(() => invoiceLoader({ request, params: { id: String(id) }, context: {} }))).json();
    const Stub = createRemixStub([{ id: 'invoice', path: '/invoices/:id', Component: InvoicePage, loader: () => data }]);
    const i18n = createInstance();
    await i18n.use(initReactI18next).init({ ...i18nConfig, lng: 'en' });
    const html = renderToString(
      createElement(I18nextProvider, { i18n }, createElement(Stub, { initialEntries: [`/invoices/${id}`], hydrationData: { loaderData: { invoice: data } } })),
    );
    expect(html).toContain('Payment attempts');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
  });
});

describe('invoices', () => {
  it('searches number, customer name, email and phone (digits only), with status filter and pages', async () => {
    const finance = await createTestUser('finance');
    const base = { customerEmail: null, customerPhone: null, description: 'x', currency: 'usd' as const };
    createInvoice({ ...base, customerName: 'Zed 100%_off', amount: 1000, customerPhone: '+1 (416) 555-0134' }, { id: finance.id });
    createInvoice({ ...base, customerName: 'Yolanda', customerEmail: 'yolanda@shop.example', amount: 2000 }, { id: finance.id });
    for (let i = 0; i < 30; i++) createInvoice({ ...base, customerName: `Bulk ${i}`, amount: 100 + i }, { id: finance.id });
    expect(listInvoices({ q: 'INV-1002' }).rows.map((r) => r.customerName)).toEqual(['Yolanda']);
    expect(listInvoices({ q: 'yolanda@' }).rows).toHaveLength(1);
    expect(listInvoices({ q: '555 0134' }).rows.map((r) => r.customerName)).toEqual(['Zed 100%_off']);
    expect(listInvoices({ q: '100%_' }).rows).toHaveLength(1);
    expect(listInvoices({ q: '%' }).rows).toHaveLength(1);
    const page1 = listInvoices({ page: 1 });
    const page2 = listInvoices({ page: 2 });
    expect(page1.total).toBe(32);
    expect(page1.pageCount).toBe(2);
    expect(new Set([...page1.rows, ...page2.rows].map((r) => r.id)).size).toBe(32);
    voidInvoice({ id: 1 }, { id: finance.id });
    expect(listInvoices({ status: 'void' }).rows.map((r) => r.id)).toEqual([1]);
    expect(listInvoices({ status: 'open' }).total).toBe(31);
  });

  it('voids only open invoices, audited, and refuses twice with 409', async () => {
    const finance = await createTestUser('finance');
    const { id } = createInvoice(
      { customerName: 'A', customerEmail: null, customerPhone: null, description: 'B', amount: 1000, currency: 'usd' },
      { id: finance.id },
    );
    const first = await respond(async () =>
      invoiceAction({ request: await requestAs(finance.id, `/invoices/${id}`, { form: { intent: 'void' } }), params: { id: String(id) }, context: {} }),
    );
    expect(first.status).toBe(302);
    expect(getInvoice({ id })?.status).toBe('void');
    const second = await respond(async () =>
      invoiceAction({ request: await requestAs(finance.id, `/invoices/${id}`, { form: { intent: 'void' } }), params: { id: String(id) }, context: {} }),
    );
    expect(second.status).toBe(409);
    getDb().update(invoices).set({ status: 'paid' }).where(eq(invoices.id, id)).run();
    expect(voidInvoice({ id }, { id: finance.id })).toEqual({ ok: false, reason: 'not_open', status: 'paid' });
    expect(getDb().select().from(auditEvents).where(eq(auditEvents.action, 'invoice.voided')).all()).toHaveLength(1);
  });

  it('keeps the audit log append-only', async () => {
    const finance = await createTestUser('finance');
    createInvoice({ customerName: 'A', customerEmail: null, customerPhone: null, description: 'B', amount: 1000, currency: 'usd' }, { id: finance.id });
    expect(() => getDb().update(auditEvents).set({ action: 'edited' }).run()).toThrow(/append-only/);
    expect(() => getDb().delete(auditEvents).run()).toThrow(/append-only/);
  });
});
