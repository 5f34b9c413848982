import type { TFunction } from 'i18next';
import { z } from 'zod';

import { PASSWORD_MAX, PASSWORD_MIN } from '~/platform/password-rules';

import { ROLES } from '../../db/schema';

/** On the server, pass `isCommon` (common-passwords.server): the browser does not load the list. */
export type PasswordChecks = { isCommon?: (password: string) => boolean };

export function passwordSchema(t: TFunction, { isCommon }: PasswordChecks = {}) {
  return z
    .string({ required_error: t('validation.password.required') })
    .min(PASSWORD_MIN, t('validation.password.min', { count: PASSWORD_MIN }))
    .max(PASSWORD_MAX, t('validation.password.max', { count: PASSWORD_MAX }))
    .refine((password) => !isCommon?.(password), t('validation.password.common'));
}

function roleSchema(t: TFunction) {
  return z.enum(ROLES, { errorMap: () => ({ message: t('validation.role') }) });
}

export function createUserSchema(t: TFunction, checks: PasswordChecks = {}) {
  return z.object({
    email: z
      .string({ required_error: t('validation.email') })
      .trim()
      .toLowerCase()
      .max(254)
      .email(t('validation.email')),
    name: z
      .string({ required_error: t('validation.name') })
      .trim()
      .min(1, t('validation.name'))
      .max(120),
    role: roleSchema(t),
    password: passwordSchema(t, checks),
  });
}

export function userActionSchema(t: TFunction, checks: PasswordChecks = {}) {
  return z.discriminatedUnion('intent', [
    z.object({ intent: z.literal('change-role'), role: roleSchema(t) }),
    z.object({ intent: z.literal('reset-password'), password: passwordSchema(t, checks) }),
    z.object({ intent: z.literal('reset-two-factor') }),
    z.object({ intent: z.literal('disable') }),
    z.object({ intent: z.literal('enable') }),
    z.object({ intent: z.literal('resume-charging') }),
  ]);
}

/** How each refusal of a user change reads (translation keys; the domain returns only the reason). */
export const USER_REFUSAL_KEYS = {
  email_taken: 'users.errors.emailTaken',
  not_found: 'users.errors.notFound',
  last_manager: 'users.errors.lastManager',
  disable_self: 'users.errors.disableSelf',
  not_paused: 'users.errors.notPaused',
} as const;
