import type { Submission, SubmissionResult } from '@conform-to/react';
import { z } from 'zod';

// Longer than any field Keyed's forms hold (an invoice description is 500 characters).
const MAX_ECHOED_CHARS = 1000;

/** The names a form schema declares: object keys, through refinements, pipes and discriminated unions. */
export function schemaFieldNames(schema: z.ZodTypeAny): string[] {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape as Record<string, unknown>);
  if (schema instanceof z.ZodEffects) return schemaFieldNames(schema.innerType());
  if (schema instanceof z.ZodPipeline) return schemaFieldNames(schema._def.in);
  if (schema instanceof z.ZodDiscriminatedUnion || schema instanceof z.ZodUnion) {
    const options = schema.options as z.ZodTypeAny[];
    return [...new Set(options.flatMap((option) => schemaFieldNames(option)))];
  }
  return [];
}

type ReplyOptions = { formErrors?: string[]; hideFields?: string[]; fieldErrors?: Record<string, string[]> };

/**
 * conform's reply, minus what a client could inflate: it echoes every submitted name and value (a name such as
 * `a[10000000]` becomes an array of that length in the response) and the client's own `__state__`. This keeps
 * only the schema's fields, as strings cut to a sane length, their errors and the form's own error.
 */
export function boundedReply<T>(submission: Submission<T>, schema: z.ZodTypeAny, options: ReplyOptions = {}): SubmissionResult<string[]> {
  const reply = submission.reply(options);
  const names = new Set(schemaFieldNames(schema));
  const hidden = new Set(options.hideFields ?? []);
  const initialValue: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.initialValue ?? {})) {
    if (names.has(name) && !hidden.has(name) && typeof value === 'string') initialValue[name] = value.slice(0, MAX_ECHOED_CHARS);
  }
  const error: Record<string, string[] | null> = {};
  for (const [name, messages] of Object.entries(reply.error ?? {})) {
    if (name === '' || names.has(name)) error[name] = messages;
  }
  return {
    status: reply.status,
    initialValue,
    error: reply.error === undefined ? undefined : error,
    fields: (reply.fields ?? []).filter((name) => names.has(name)),
  };
}
