import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * zxcvbn-ts's list of the ~49,000 most common passwords (from breach corpora, maintained with the package). Server
 * only: it is half a megabyte, and the browser's check is a convenience while the server's is the rule.
 */
let common: Set<string> | undefined;

export function isCommonPassword(password: string) {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  const normalized = password.normalize('NFKC').toLowerCase();
  // "Password1234!" is as guessable as "password1234": trailing digits and symbols add little.
  return common.has(normalized) || common.has(normalized.replace(/[\d\W_]+$/u, ''));
}
