import { Form, Link, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

import type { listPausedStaff } from '~/payments/card-testing.server';

import { useFormat } from '../use-format';

type PausedPerson = ReturnType<typeof listPausedStaff>[number];

/** Who the card-testing defence paused, since when and why, with a resume button each. */
export function PausedStaff({ people }: { people: PausedPerson[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const navigation = useNavigation();
  return (
    <section aria-labelledby="paused-title" className="card space-y-3" data-testid="paused-staff">
      <h2 id="paused-title" className="text-lg font-semibold">
        {t('pausedStaff.title', { count: people.length })}
      </h2>
      {people.length === 0 ? (
        <p className="text-sm text-slate-600">{t('pausedStaff.none')}</p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {people.map((person) => (
            <li key={person.id} className="flex flex-wrap items-center justify-between gap-3 py-2 text-sm">
              <div>
                <Link to={`/settings/users/${person.id}`} className="font-medium text-indigo-700 hover:underline">
                  {person.name}
                </Link>
                <p className="text-slate-700">
                  {t('pausedStaff.why', { declines: person.declines, minutes: person.windowMinutes, time: format.dateTime(person.pausedAt) })}
                </p>
              </div>
              <Form method="post">
                <input type="hidden" name="userId" value={person.id} />
                <button
                  type="submit"
                  name="intent"
                  value="resume-charging"
                  className="btn-secondary"
                  aria-label={t('pausedStaff.resumeFor', { name: person.name })}
                  disabled={navigation.state !== 'idle'}
                >
                  {t('users.resumeCharging')}
                </button>
              </Form>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
