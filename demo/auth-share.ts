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
 * The sandbox demo's curve (~100 attempts a day): 0.5% until two weeks ago, then a jump to 2% climbing to 4.5%
 * today — a rise the upgrade signal's rise detector confirms (not only the 2% threshold) whichever weekday and
 * hour the demo starts, so the banner can show what moved and how sure it is (test/demo/history.test.ts).
 * A smooth 18-day ramp is seen later: its early days sit in the baseline of the later ones (decision 009).
 */
export function demoAuthShare(daysAgo: number) {
  return daysAgo >= DEMO_RISE_DAYS ? BASELINE_AUTH_SHARE : 0.02 + (0.025 * (DEMO_RISE_DAYS - daysAgo)) / DEMO_RISE_DAYS;
}
const DEMO_RISE_DAYS = 14;
