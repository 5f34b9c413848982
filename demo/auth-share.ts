/** The demo's and the generator's authentication-required curves: one baseline, one ramp shape. */
export const BASELINE_AUTH_SHARE = 0.005;

/** A ramp from the baseline `rampDays` before the end up to `peak` on the last day (daysAgo = 0). */
export function rampedAuthShare(peak: number, rampDays: number) {
  return (daysAgo: number) =>
    daysAgo >= rampDays ? BASELINE_AUTH_SHARE : BASELINE_AUTH_SHARE + ((peak - BASELINE_AUTH_SHARE) * (rampDays - daysAgo)) / rampDays;
}

/** The rising-auth scenario of the history generator: 0.5% to 3% over the last 18 days. */
export const RISING_AUTH_PEAK_SHARE = 0.03;
export const RISING_AUTH_RAMP_DAYS = 18;
const risingAuth = rampedAuthShare(RISING_AUTH_PEAK_SHARE, RISING_AUTH_RAMP_DAYS);

export type HistoryScenario = 'flat' | 'rising-auth';

/** The authentication-required share for a day in a scenario. */
export function scenarioAuthShare(scenario: HistoryScenario, daysAgo: number) {
  return scenario === 'flat' ? BASELINE_AUTH_SHARE : risingAuth(daysAgo);
}

/**
 * The demo's curve: ~100 attempts a day with authentication-required declines climbing from 0.5% to 4.5% over the
 * last 18 days, a rise clear enough that the upgrade signal shows whichever day of the week the demo starts.
 */
export const demoAuthShare = rampedAuthShare(0.045, RISING_AUTH_RAMP_DAYS);
