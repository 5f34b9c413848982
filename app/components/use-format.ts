import { useTranslation } from 'react-i18next';

import { formatMoney } from '~/platform/money';

import { formatDate, formatDateTime, formatNumber, formatPercent } from './format';

/** Formatting bound to the page's language: money, dates and numbers follow the locale through Intl. */
export function useFormat() {
  const { i18n } = useTranslation();
  const locale = i18n.language;
  return {
    locale,
    money: (minor: number, currency: string) => formatMoney(minor, currency, locale),
    dateTime: (ms: number) => formatDateTime(ms, locale),
    date: (ms: number) => formatDate(ms, locale),
    number: (n: number) => formatNumber(n, locale),
    percent: (share: number | null, digits = 1) => formatPercent(share, locale, digits),
    /** A UTC day (YYYY-MM-DD) as a date. */
    day: (day: string) => formatDate(Date.parse(`${day}T00:00:00Z`), locale),
  };
}
