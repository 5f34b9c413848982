import { createInstance } from 'i18next';
import { type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import { describe, expect, it } from 'vitest';

import { SignalNote } from '~/components/signal-note';
import { UpgradeBanner, type UpgradeSignalView } from '~/components/upgrade-banner';
import { i18nConfig } from '~/platform/i18n';
import { type DailyAuthCounts, evaluateUpgradeSignal } from '~/reports/upgrade-signal.server';

// What a manager reads in each state of the signal, rendered as the server renders it, in both languages.

const DAY_MS = 86_400_000;
const dayAt = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * DAY_MS).toISOString().slice(0, 10);
const TODAY = 119;

function signalFor(rows: (i: number) => { attempts: number; authRequired: number }): UpgradeSignalView {
  const series: DailyAuthCounts[] = Array.from({ length: TODAY + 1 }, (_, i) => ({ day: dayAt(i), ...rows(i) }));
  return { ...evaluateUpgradeSignal(series, dayAt(TODAY)), atStake: { usd: 123_45 } };
}

async function render(element: ReactElement, lng: 'en' | 'fr-CA') {
  const i18n = createInstance();
  await i18n.use(initReactI18next).init({ ...i18nConfig, lng });
  const html = renderToStaticMarkup(<I18nextProvider i18n={i18n}>{element}</I18nextProvider>);
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, ' ');
}

describe('the upgrade signal explains itself', () => {
  it('on a rise: since when, what moved and how sure, from the detector', async () => {
    // 300 a day at 0.5% (1.5 failures a day), then 3% for the last 5 days: on from the second day of the rise.
    const signal = signalFor((i) => ({ attempts: 300, authRequired: i > TODAY - 5 ? 9 : i % 2 === 0 ? 2 : 1 }));
    expect(signal).toMatchObject({ on: true, status: 'on', reason: 'both' });
    expect(signal.detector.rise?.from).toBe(dayAt(TODAY - 4));
    const en = await render(<UpgradeBanner signal={signal} />, 'en');
    expect(en).toContain('Time to upgrade');
    expect(en).toContain('Since Apr 27, 2026.');
    expect(en).toContain('What moved: 0.51% of attempts in the weeks before (Apr 5, 2026 to Apr 25, 2026), 3% since Apr 26, 2026 (45 of 1,500).');
    expect(en).toMatch(/How sure: the evidence is \d+(\.\d)? times the level that raises this banner\./);
    expect(en).toContain('At stake in the last 7 days: $123.45');
    const fr = await render(<UpgradeBanner signal={signal} />, 'fr-CA');
    expect(fr).toContain('Ce qui a changé : 0,51 % des tentatives durant les semaines précédentes');
    expect(fr).toMatch(/Degré de certitude : les indices valent \d+(,\d)? fois le niveau qui allume cette bannière\./);
  });

  it('on the threshold alone, says the detector is not the reason', async () => {
    // A steady 2.5%: above the 2% threshold, no rise.
    const signal = signalFor(() => ({ attempts: 400, authRequired: 10 }));
    expect(signal).toMatchObject({ on: true, reason: 'above_threshold' });
    const en = await render(<UpgradeBanner signal={signal} />, 'en');
    expect(en).toContain('How sure: this comes from your threshold alone; the rise detector’s evidence is at 0% of the level that raises the banner.');
    expect(en).not.toContain('What moved');
  });

  it('at 40 attempts a day says "not enough volume to tell yet", with what a rise would need', async () => {
    const signal = signalFor((i) => ({ attempts: 40, authRequired: i % 5 === 0 ? 1 : 0 }));
    expect(signal.status).toBe('low_volume');
    const en = await render(<SignalNote signal={signal} />, 'en');
    expect(en).toContain('Not enough volume to tell yet');
    expect(en).toMatch(/At about 40 attempts a day, a rise from 0\.5% to 3% of attempts takes about \d+ days to confirm\./);
    expect(en).toMatch(/Evidence of a rise so far: \d+% of the level that raises the banner\./);
    const fr = await render(<SignalNote signal={signal} />, 'fr-CA');
    expect(fr).toContain('Pas encore assez de volume pour conclure');
    expect(fr).toMatch(/À environ 40 tentatives par jour, une hausse de 0,5 % à 3 % des tentatives prend environ \d+ jours à confirmer\./);
  });

  it('when a rule fires on fewer than 5 failures, says so instead of raising the banner', async () => {
    // Nothing for months, then 3 failures in the last 100 attempts: 3% is over the threshold, on 3 failures.
    const signal = signalFor((i) => ({ attempts: i > TODAY - 7 ? 15 : 0, authRequired: i > TODAY - 3 ? 1 : 0 }));
    expect(signal).toMatchObject({ on: false, status: 'unsure' });
    const en = await render(<SignalNote signal={signal} />, 'en');
    expect(en).toContain('Not enough volume to tell yet');
    expect(en).toContain('The last 7 days’ share, 2.86% (3 of 105), is above your 2% threshold.');
    expect(en).toContain('Keyed shows the banner once the last 7 days hold at least 5 such declines; they hold 3.');
  });

  it('when nothing rose, says so with the evidence so far', async () => {
    const signal = signalFor((i) => ({ attempts: 2_700, authRequired: 13 + (i % 3) }));
    expect(signal.status).toBe('off');
    const en = await render(<SignalNote signal={signal} />, 'en');
    expect(en).toMatch(/No sign that authentication-required declines are rising: 0\.5\d% of attempts in the last 7 days \(threshold 2%\)\./);
    expect(en).toMatch(/Evidence of a rise so far: \d+% of the level that raises the banner\./);
  });
});
