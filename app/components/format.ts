/** Dates shown in the user's browser time zone on the client; the server renders UTC with the zone named. */
export function formatDateTime(ms: number, locale = 'en-US') {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC', timeZoneName: 'short' }).format(ms);
}

export function formatDate(ms: number, locale = 'en-US') {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(ms);
}
