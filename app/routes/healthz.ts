import { json } from '@remix-run/node';

import { getSqlite } from '~/platform/db.server';

export function loader() {
  try {
    getSqlite().prepare('select count(*) from users').get();
    return json({ ok: true, database: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
  } catch {
    return json({ ok: false, database: 'unavailable' }, { status: 503, headers: { 'Cache-Control': 'no-store' } });
  }
}
