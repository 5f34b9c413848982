// Days as Keyed counts them: UTC calendar days written YYYY-MM-DD (charges, rollups, reports and filters agree).

export const DAY_MS = 86_400_000;

export function utcDay(ms: number) {
  return new Date(ms).toISOString().slice(0, 10);
}

/** True only for a real calendar day: "2025-02-30" and "2025-13-45" are not days (and never throw). */
export function isUtcDay(value: string) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(ms) && utcDay(ms) === value;
}

export function shiftDay(day: string, days: number) {
  return utcDay(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS);
}
