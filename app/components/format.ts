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

/** A share (0.031) as a percentage ("3.1%" / "3,1 %"); "—" when there is none. */
export function formatPercent(share: number | null, locale = 'en', maximumFractionDigits = 1) {
  return share === null ? '—' : new Intl.NumberFormat(intlLocale(locale), { style: 'percent', maximumFractionDigits }).format(share);
}
