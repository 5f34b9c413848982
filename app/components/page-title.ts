import type { MetaArgs } from '@remix-run/node';

import { fixedT, isLocale } from '~/platform/i18n';

/** Page titles in the page's language: meta functions cannot use hooks, so read the root loader's locale. */
export function pageTitle(matches: MetaArgs['matches'], key: string, params?: Record<string, string>) {
  const root = matches.find((m) => m.id === 'root')?.data as { locale?: string } | undefined;
  const locale = isLocale(root?.locale) ? root.locale : 'en';
  return [{ title: `${fixedT(locale)(key, params)} · Keyed` }];
}
