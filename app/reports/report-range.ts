/** The report periods offered besides a custom range, in days. */
export const RANGE_PRESETS = [7, 30, 90] as const;
