import { z } from 'zod';
import { ROLES } from '../db/schema';
import { PASSWORD_MAX, PASSWORD_MIN } from './password-rules';

export const PasswordSchema = z
  .string({ required_error: 'Enter a password.' })
  .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters.`)
  .max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters.`);

export const RoleSchema = z.enum(ROLES, { errorMap: () => ({ message: 'Choose staff, finance or manager.' }) });

export const CreateUserSchema = z.object({
  email: z
    .string({ required_error: 'Enter an email address.' })
    .trim()
    .toLowerCase()
    .max(254)
    .email('Enter a valid email address.'),
  name: z.string({ required_error: 'Enter a name.' }).trim().min(1, 'Enter a name.').max(120),
  role: RoleSchema,
  password: PasswordSchema,
});

export const ChangeRoleSchema = z.object({ intent: z.literal('change-role'), role: RoleSchema });
export const ResetPasswordSchema = z.object({ intent: z.literal('reset-password'), password: PasswordSchema });
export const DisableSchema = z.object({ intent: z.literal('disable') });
export const EnableSchema = z.object({ intent: z.literal('enable') });

export const ResumeChargingSchema = z.object({ intent: z.literal('resume-charging') });

export const UserActionSchema = z.discriminatedUnion('intent', [ChangeRoleSchema, ResetPasswordSchema, DisableSchema, EnableSchema, ResumeChargingSchema]);
