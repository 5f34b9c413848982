import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Links, Meta, NavLink, Outlet, Scripts, ScrollRestoration, useLocation, useRouteLoaderData } from '@remix-run/react';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useChangeLanguage } from 'remix-i18next/react';

import { getUser } from '~/platform/auth.server';
import { getEnv, type Mode } from '~/platform/env.server';
import { type Locale, SUPPORTED_LOCALES } from '~/platform/i18n';
import { getLocale } from '~/platform/i18n.server';
import { useNonce } from '~/platform/nonce';
import { navigationFor, ROLE_LABEL_KEYS } from '~/platform/permissions';
import { getToast, type Toast } from '~/platform/toast.server';

import { ErrorPage } from './components/error-page';
import stylesheet from './tailwind.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: stylesheet }];

export const meta: MetaFunction = () => [{ title: 'Keyed' }];

export const handle = { i18n: 'common' };

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  const { toast, headers } = await getToast(request);
  return json(
    {
      user: user && { name: user.name, email: user.email, role: user.role },
      mode: getEnv().mode,
      locale: await getLocale(request),
      toast,
    },
    { headers },
  );
}

const MODE_BANNER = {
  sandbox: { key: 'mode.sandbox', className: 'bg-amber-100 text-amber-950' },
  'stripe-test': { key: 'mode.stripeTest', className: 'bg-sky-100 text-sky-950' },
  'stripe-live': { key: 'mode.stripeLive', className: 'bg-emerald-700 text-white' },
} as const satisfies Record<Mode, { key: string; className: string }>;

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const data = useRouteLoaderData<typeof loader>('root');
  const { t } = useTranslation();
  const locale = data?.locale ?? 'en';
  useChangeLanguage(locale);
  const banner = data ? MODE_BANNER[data.mode] : null;
  return (
    <html lang={locale} className="h-full bg-slate-50">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="h-full font-sans text-slate-900 antialiased">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
        >
          {t('layout.skipToContent')}
        </a>
        {banner ? (
          <div role="note" className={`px-4 py-1.5 text-center text-sm font-medium ${banner.className}`}>
            {t(banner.key)}
          </div>
        ) : null}
        {data?.user ? (
          <AppShell user={data.user} locale={locale}>
            {children}
          </AppShell>
        ) : (
          <>
            <div className="flex justify-end px-4 pt-3">
              <LanguageSwitcher locale={locale} />
            </div>
            <main id="main">{children}</main>
          </>
        )}
        <ToastMessage toast={data?.toast ?? null} />
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

type ShellUser = { name: string; email: string; role: 'staff' | 'finance' | 'manager' };

function LanguageSwitcher({ locale }: { locale: Locale }) {
  const { t } = useTranslation();
  const location = useLocation();
  return (
    <Form method="post" action="/language" className="flex items-center gap-1" aria-label={t('layout.language')}>
      <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
      {SUPPORTED_LOCALES.map((option) => (
        <button
          key={option}
          type="submit"
          name="locale"
          value={option}
          lang={option}
          aria-pressed={option === locale}
          className={`rounded px-2 py-1 text-xs font-semibold ${option === locale ? 'bg-slate-800 text-white' : 'text-slate-700 hover:bg-slate-100'}`}
        >
          {option === 'en' ? t('layout.languageName.en') : t('layout.languageName.frCA')}
        </button>
      ))}
    </Form>
  );
}

function AppShell({ user, locale, children }: { user: ShellUser; locale: Locale; children: ReactNode }) {
  const { t } = useTranslation();
  const nav = navigationFor(user.role);
  return (
    <div className="flex min-h-[calc(100%-2rem)] flex-col md:flex-row">
      <nav aria-label={t('layout.mainNavigation')} className="border-b border-slate-200 bg-white md:w-56 md:shrink-0 md:border-b-0 md:border-r">
        <div className="px-5 py-4 text-lg font-bold tracking-tight text-indigo-700">Keyed</div>
        <ul className="flex gap-1 overflow-x-auto px-3 pb-3 md:flex-col md:pb-0">
          {nav.map((item) => (
            <li key={item.to}>
              <NavLink
                to={item.to}
                reloadDocument={item.reloadDocument}
                end={item.end}
                className={({ isActive }) =>
                  `block whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium ${isActive ? 'bg-indigo-50 text-indigo-700' : 'text-slate-700 hover:bg-slate-100'}`
                }
              >
                {t(item.labelKey)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex flex-wrap items-center justify-end gap-4 border-b border-slate-200 bg-white px-6 py-3">
          <LanguageSwitcher locale={locale} />
          <NavLink to="/account/two-factor" className="text-sm text-indigo-700 hover:underline">
            {t('layout.security')}
          </NavLink>
          <p className="text-sm text-slate-700">
            <span className="font-medium text-slate-900">{user.name}</span>{' '}
            <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs uppercase tracking-wide text-slate-700">{t(ROLE_LABEL_KEYS[user.role])}</span>
          </p>
          <Form method="post" action="/logout">
            <button type="submit" className="btn-secondary">
              {t('layout.logOut')}
            </button>
          </Form>
        </header>
        <main id="main" className="flex-1 px-6 py-6">
          {children}
        </main>
      </div>
    </div>
  );
}

function ToastMessage({ toast }: { toast: Toast | null }) {
  const [dismissed, setDismissed] = useState<Toast | null>(null);
  const visible = toast && toast !== dismissed ? toast : null;
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setDismissed(toast), 6000);
    return () => clearTimeout(timer);
  }, [toast]);
  const styles = { success: 'bg-emerald-700', error: 'bg-red-700', info: 'bg-slate-800' } as const;
  return (
    <div aria-live="polite" className="pointer-events-none fixed bottom-4 right-4 z-50">
      {visible ? (
        <div role="status" className={`pointer-events-auto rounded-md px-4 py-3 text-sm font-medium text-white shadow-lg ${styles[visible.kind]}`}>
          {visible.message}
        </div>
      ) : null}
    </div>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
