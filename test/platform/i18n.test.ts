import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

import { describe, expect, it } from 'vitest';

import { formatDate, formatDateTime } from '~/components/format';
import { invoiceFormSchema } from '~/invoices/invoice-form';
import en from '~/locales/en';
import frCA from '~/locales/fr-CA';
import { fixedT } from '~/platform/i18n';
import { formatMoney, parseAmount } from '~/platform/money';

const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null ? flatten(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}
const baseKeys = (catalogue: object) => new Set(flatten(catalogue).map((k) => k.replace(PLURAL, '')));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'locales' ? [] : sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}
const files = sourceFiles('app').map((path) => ({ path: relative('.', path), text: readFileSync(path, 'utf8') }));
const namespaces = new Set(Object.keys(en));

/** Quoted literals that name a catalogue key: every t('…') call and the keys kept in lookup tables. */
function keyLiterals() {
  const found = new Map<string, string>();
  for (const { path, text } of files) {
    // Audit actions ("charge.attempted") and Stripe event types ("charge.refunded") look like keys but are not.
    const pattern = /(?<!action: |case |type: )'([a-z][a-zA-Z]*(?:\.[a-zA-Z0-9_]+)+)'/g;
    for (const match of text.matchAll(pattern)) {
      const key = match[1]!;
      if (namespaces.has(key.split('.')[0]!) && !found.has(key)) found.set(key, path);
    }
  }
  return found;
}

describe('translation catalogues', () => {
  const enKeys = baseKeys(en);
  const frKeys = baseKeys(frCA);

  it('English and Canadian French have exactly the same keys', () => {
    expect([...enKeys].filter((k) => !frKeys.has(k))).toEqual([]);
    expect([...frKeys].filter((k) => !enKeys.has(k))).toEqual([]);
  });

  it('every plural key has the forms each language needs', () => {
    const enPlurals = flatten(en).filter((k) => PLURAL.test(k));
    const frPlurals = flatten(frCA).filter((k) => PLURAL.test(k));
    for (const key of new Set(enPlurals.map((k) => k.replace(PLURAL, '')))) {
      expect(enPlurals).toEqual(expect.arrayContaining([`${key}_one`, `${key}_other`]));
      expect(frPlurals).toEqual(expect.arrayContaining([`${key}_one`, `${key}_many`, `${key}_other`]));
    }
  });

  it('every key the code uses exists in both catalogues', () => {
    const missing = [...keyLiterals()].filter(([key]) => !enKeys.has(key) || !frKeys.has(key)).map(([key, path]) => `${key} (${path})`);
    expect(missing).toEqual([]);
  });

  it('the catalogues hold no key the code never uses', () => {
    const used = new Set(keyLiterals().keys());
    expect([...enKeys].filter((key) => !used.has(key))).toEqual([]);
  });

  it('no translation key is built at run time (it could not be checked)', () => {
    const dynamic = files.filter(({ text }) => /\bt\(`/.test(text)).map(({ path }) => path);
    expect(dynamic).toEqual([]);
  });

  it('components hard-code no user-facing text', () => {
    const offenders: string[] = [];
    // Brand, demo account names and ISO currency codes are the same in every language.
    const allowed = new Set(['Keyed', 'staff@keyed.test', 'finance@keyed.test', 'manager@keyed.test', 'PaymentIntent', 'USD', 'CAD']);
    for (const { path, text } of files.filter((f) => f.path.endsWith('.tsx'))) {
      for (const match of text.matchAll(/>\s*([^<>{}]*[A-Za-zÀ-ÿ]{2,}[^<>{}]*?)\s*</g)) {
        const words = match[1]!.trim();
        if (!allowed.has(words) && !/^[=&|(),;:?!.\s\w]*=>/.test(words) && !/[=();]/.test(words)) offenders.push(`${path}: ${words}`);
      }
      for (const match of text.matchAll(/\b(aria-label|placeholder|title|alt)="([^"]*[A-Za-z][^"]*)"/g)) {
        offenders.push(`${path}: ${match[1]}="${match[2]}"`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('French messages for staff are real French, not copies of the English', () => {
    const enFlat = Object.fromEntries(flatten(en).map((k) => [k, k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], en)]));
    const same = flatten(frCA)
      .filter((k) => k in enFlat && k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], frCA) === enFlat[k])
      .filter(
        (k) =>
          ![
            'layout.languageName.en',
            'layout.languageName.frCA',
            'titles.terminal',
            'nav.terminal',
            'terminal.paymentIntent',
            'invoiceForm.description',
            'invoices.actions',
            'invoices.pagination',
            'payment.chargeId',
            'timeline.webhook',
            'timeline.note',
          ].includes(k),
      );
    expect(same).toEqual([]);
  });
});

describe('locale formatting', () => {
  const normalise = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

  it('formats money for each locale', () => {
    expect(formatMoney(109900, 'usd', 'en')).toBe('$1,099.00 USD');
    expect(formatMoney(4500, 'cad', 'en')).toBe('CA$45.00');
    expect(normalise(formatMoney(109900, 'usd', 'fr-CA'))).toBe('1 099,00 $ US');
    expect(normalise(formatMoney(4500, 'cad', 'fr-CA'))).toBe('45,00 $');
  });

  it('formats dates for each locale, in UTC', () => {
    const at = Date.UTC(2026, 10, 26, 14, 5);
    expect(formatDate(at, 'en')).toBe('Nov 26, 2026');
    expect(formatDate(at, 'fr-CA')).toBe('26 nov. 2026');
    expect(normalise(formatDateTime(at, 'en'))).toBe('Nov 26, 2026, 2:05 PM UTC');
    expect(normalise(formatDateTime(at, 'fr-CA'))).toBe('26 nov. 2026, 14 h 05 UTC');
  });

  it('parses amounts typed with the locale’s separators', () => {
    expect(parseAmount('1 099,50', 'fr-CA')).toEqual({ ok: true, minor: 109950 });
    expect(parseAmount('1\u00a0099,50', 'fr-CA')).toEqual({ ok: true, minor: 109950 });
    expect(parseAmount('1099,5', 'fr-CA')).toEqual({ ok: true, minor: 109950 });
    expect(parseAmount('1,099.50', 'en')).toEqual({ ok: true, minor: 109950 });
    expect(parseAmount('1 099,50', 'en')).toEqual({ ok: false, error: 'format' });
    expect(parseAmount('1,099.50', 'fr-CA')).toEqual({ ok: false, error: 'format' });
    expect(parseAmount('12,345', 'fr-CA')).toEqual({ ok: false, error: 'decimals' });
  });

  it('gives invoice field errors in French', () => {
    const form = new FormData();
    for (const [k, v] of Object.entries({ customerName: 'Gagnon', description: 'Pièces', amount: '0,49', currency: 'cad' })) form.set(k, v);
    const result = invoiceFormSchema({ t: fixedT('fr-CA'), locale: 'fr-CA' }).safeParse(Object.fromEntries(form));
    expect(result.success).toBe(false);
    expect(normalise(result.error!.issues[0]!.message)).toBe('Le paiement minimal par carte chez Stripe est de 0,50 $.');
  });
});
