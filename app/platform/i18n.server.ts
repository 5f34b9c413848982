import { createCookie } from '@remix-run/node';
import { RemixI18Next } from 'remix-i18next/server';

import { getUser } from './auth.server';
import { fixedT, i18nConfig, isLocale, type Locale, SUPPORTED_LOCALES } from './i18n';

/** Remembers the language chosen before login (and on this browser after logout). */
export const localeCookie = createCookie('keyed_lng', { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 365 * 24 * 3600 });

const remixI18n = new RemixI18Next({
  detection: {
    supportedLanguages: [...SUPPORTED_LOCALES],
    fallbackLanguage: 'en',
    cookie: localeCookie,
    // The user's saved preference first, then the cookie, then the browser's Accept-Language.
    order: ['custom', 'cookie', 'header'],
    findLocale: async (request) => (await getUser(request))?.locale ?? null,
  },
  i18next: i18nConfig,
});

export async function getLocale(request: Request): Promise<Locale> {
  const detected = await remixI18n.getLocale(request);
  // "fr", "fr-FR" and "fr-CA" browsers all get Canadian French; everything else English.
  if (isLocale(detected)) return detected;
  return detected.toLowerCase().startsWith('fr') ? 'fr-CA' : 'en';
}

/** The translation function for this request's language. */
export async function getT(request: Request) {
  const locale = await getLocale(request);
  return { t: fixedT(locale), locale };
}
