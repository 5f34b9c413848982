/**
 * Seeded daily histories for the upgrade-signal benchmark: attempts per day shaped like a phone-order
 * business (weekends at a third of a weekday, growth or decline, a slow spell, holidays) and
 * authentication-required failures drawn Binomial(attempts, share of the day).
 * Every history is a pure function of its seed.
 */

/** mulberry32: 32-bit state, good equidistribution for simulation, fully deterministic. */
function mulberry32(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;

/**
 * Binomial(n, p), exactly, by counting geometric waiting times between successes: O(n·p) steps,
 * cheap for the rare events simulated here (at most a few hundred failures a day).
 */
function binomial(random: Random, n: number, p: number) {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const logQ = Math.log1p(-p);
  let successes = 0;
  let position = 0;
  for (;;) {
    position += Math.floor(Math.log(1 - random()) / logQ) + 1;
    if (position > n) return successes;
    successes++;
  }
}

/** A weekday carries 1, a weekend day a third; normalized so an ordinary week averages `volume` a day. */
const WEEKEND_WEIGHT = 1 / 3;
const WEEK_MEAN = (5 + 2 * WEEKEND_WEIGHT) / 7;

type Calendar = {
  /** Day 0's weekday, 0 = Monday. */
  firstWeekday: number;
  /** Log-growth of volume per 90 days (e.g. +0.4 ≈ +49% a quarter, -0.4 ≈ -33%). */
  growthPerQuarter: number;
  /** A slow spell: volume times `factor` on days [from, from + days). */
  slowSpell: { from: number; days: number; factor: number } | null;
  /** Holidays: volume at a tenth. */
  holidays: Set<number>;
};

/** A random business calendar over `days` days. */
function randomCalendar(random: Random, days: number): Calendar {
  const holidays = new Set<number>();
  for (let day = 0; day < days; day++) if (random() < 1 / 40) holidays.add(day);
  const spell = random() < 0.5 ? { from: Math.floor(random() * days), days: 7 + Math.floor(random() * 15), factor: 0.35 + 0.3 * random() } : null;
  return { firstWeekday: Math.floor(random() * 7), growthPerQuarter: -0.4 + 0.8 * random(), slowSpell: spell, holidays };
}

/** The expected attempts on a day for an average daily volume of `volume`. */
function expectedAttempts(calendar: Calendar, volume: number, day: number) {
  const weekday = (calendar.firstWeekday + day) % 7;
  let v = ((weekday >= 5 ? WEEKEND_WEIGHT : 1) / WEEK_MEAN) * volume * Math.exp((calendar.growthPerQuarter * day) / 90);
  const spell = calendar.slowSpell;
  if (spell && day >= spell.from && day < spell.from + spell.days) v *= spell.factor;
  if (calendar.holidays.has(day)) v *= 0.1;
  return v;
}

export type History = { attempts: Int32Array; failures: Int32Array; calendar: Calendar };

/**
 * `days` days of history: attempts are the expected count ±20% (uniform), failures
 * Binomial(attempts, share(day)). Volume grows or shrinks around the middle of the history.
 */
export function simulateHistory(seed: number, days: number, volume: number, share: (day: number) => number): History {
  const random = mulberry32(seed);
  const calendar = randomCalendar(random, days);
  const middle = Math.floor(days / 2);
  const attempts = new Int32Array(days);
  const failures = new Int32Array(days);
  for (let day = 0; day < days; day++) {
    const expected = expectedAttempts(calendar, volume, day) / Math.exp((calendar.growthPerQuarter * middle) / 90);
    attempts[day] = Math.round(expected * (0.8 + 0.4 * random()));
    failures[day] = binomial(random, attempts[day]!, share(day));
  }
  return { attempts, failures, calendar };
}
