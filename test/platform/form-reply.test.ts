import { describe, expect, it } from 'vitest';

import { action as invoicesNewAction } from '~/routes/invoices.new';
import { action as loginAction } from '~/routes/login';

import { useTestDatabase } from '../helpers/database';
import { createTestUser, requestAs, respond } from '../helpers/users';

useTestDatabase();

function rawForm(userCookie: string | null, path: string, body: string) {
  const headers = new Headers({ 'Content-Type': 'application/x-www-form-urlencoded', 'x-keyed-client-ip': '127.0.0.1' });
  if (userCookie) headers.set('Cookie', userCookie);
  return new Request(`http://127.0.0.1:3000${path}`, { method: 'POST', headers, body });
}

describe('rejected forms echo only their own fields, sized', () => {
  it('a 26-byte login body with an array index in a name gets a small answer', async () => {
    const response = await respond(() => loginAction({ request: rawForm(null, '/login', 'a[10000000]=1&email=nope'), params: {}, context: {} }));
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(text.length).toBeLessThan(1000);
    const reply = JSON.parse(text);
    expect(reply.initialValue).toEqual({ email: 'nope' });
    expect(reply.fields).toEqual(['email']);
    expect(reply).not.toHaveProperty('state');
  });

  it('an invoice form keeps its fields, cut to length, and drops everything else', async () => {
    const finance = await createTestUser('finance');
    const cookie = (await requestAs(finance.id, '/invoices/new')).headers.get('Cookie')!;
    const body = new URLSearchParams({
      customerName: 'x'.repeat(5000),
      amount: 'abc',
      'a[10000000]': '1',
      'b.c': '2',
      __state__: JSON.stringify({ validated: { x: true }, pad: 'p'.repeat(2000) }),
    });
    const response = await respond(() => invoicesNewAction({ request: rawForm(cookie, '/invoices/new', body.toString()), params: {}, context: {} }));
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(text.length).toBeLessThan(3000);
    const reply = JSON.parse(text);
    expect(Object.keys(reply.initialValue).sort()).toEqual(['amount', 'customerName']);
    expect(reply.initialValue.customerName).toHaveLength(1000);
    expect(reply.error.amount).toBeTruthy();
    expect(
      Object.keys(reply.error).every((name) => ['customerName', 'customerEmail', 'customerPhone', 'description', 'amount', 'currency', ''].includes(name)),
    ).toBe(true);
  });
});
