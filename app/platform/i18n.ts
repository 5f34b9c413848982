import { createInstance, type TFunction } from 'i18next';

import en from '~/locales/en';
import frCA from '~/locales/fr-CA';

export const SUPPORTED_LOCALES = ['en', 'fr-CA'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

export function isLocale(value: unknown): value is Locale {
  return SUPPORTED_LOCALES.includes(value as Locale);
}

/** Both catalogues are small and bundled, so switching language needs no request. */
export const i18nConfig = {
  supportedLngs: [...SUPPORTED_LOCALES],
  fallbackLng: 'en',
  defaultNS: 'common',
  ns: ['common'],
  resources: { en: { common: en }, 'fr-CA': { common: frCA } },
  // React escapes what it renders; escaping here too would show "&amp;".
  interpolation: { escapeValue: false },
  returnNull: false,
} as const;

/** The Intl locale for formatting: plain "en" would still be US English, spelled out for clarity. */
export function intlLocale(locale: Locale | string) {
  return locale === 'fr-CA' ? 'fr-CA' : 'en-US';
}

const fixed = new Map<Locale, TFunction>();

/** A translation function for one locale, for server code, schemas and tests. */
export function fixedT(locale: Locale): TFunction {
  let t = fixed.get(locale);
  if (!t) {
    const instance = createInstance();
    void instance.init({ ...i18nConfig, lng: locale, initImmediate: false });
    t = instance.getFixedT(locale);
    fixed.set(locale, t);
  }
  return t;
}
