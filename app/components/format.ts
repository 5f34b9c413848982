import { intlLocale } from '~/platform/i18n';

// Times render in UTC with the zone named, so the server's HTML and the browser's hydration agree.
export function formatDateTime(ms: number, locale = 'en') {
  return new Intl.DateTimeFormat(intlLocale(locale), {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone: 'UTC',
    timeZoneName: 'short',
  }).format(ms);
}

export function formatDate(ms: number, locale = 'en') {
  return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'medium', timeZone: 'UTC' }).format(ms);
}

export function formatNumber(n: number, locale = 'en') {
  return new Intl.NumberFormat(intlLocale(locale)).format(n);
}
