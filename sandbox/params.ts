/** Reading Stripe's form-encoded parameters (already parsed by `qs`) with Stripe's error messages. */
import type Stripe from 'stripe';

import { invalidRequest, missingParam, unknownParam } from './errors.ts';

export type Params = Record<string, unknown>;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Stripe rejects parameters it does not know; so do we, which catches typos in the app. */
export function allowOnly(params: Params, allowed: readonly string[], prefix = ''): void {
  for (const key of Object.keys(params)) {
    if (!allowed.includes(key)) throw unknownParam(prefix ? `${prefix}[${key}]` : key);
  }
}

export function optionalString(params: Params, name: string, param = name): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidRequest(`Invalid string: ${JSON.stringify(value)}`, { param, code: 'parameter_invalid_string' });
  return value;
}

export function requiredString(params: Params, name: string, param = name): string {
  const value = optionalString(params, name, param);
  if (value === undefined || value === '') throw missingParam(param);
  return value;
}

export function optionalInteger(params: Params, name: string, param = name): number | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) {
    throw invalidRequest(`Invalid integer: ${typeof value === 'string' ? value : JSON.stringify(value)}`, {
      param,
      code: 'parameter_invalid_integer',
    });
  }
  return Number(value);
}

export function requiredInteger(params: Params, name: string, param = name): number {
  const value = optionalInteger(params, name, param);
  if (value === undefined) throw missingParam(param);
  return value;
}

export function optionalBoolean(params: Params, name: string, param = name): boolean | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (value === 'true' || value === true) return true;
  if (value === 'false' || value === false) return false;
  throw invalidRequest(`Invalid boolean: ${String(value)}`, { param });
}

export function optionalStringArray(params: Params, name: string): string[] | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  // qs turns `a[0]=x&a[1]=y` into an array, but past its array limit into an index-keyed object.
  const items = Array.isArray(value) ? value : isRecord(value) ? Object.values(value) : [value];
  if (!items.every((v): v is string => typeof v === 'string')) throw invalidRequest(`Invalid array`, { param: name });
  return items;
}

export function optionalObject(params: Params, name: string): Params | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (!isRecord(value)) throw invalidRequest(`Invalid object`, { param: name, code: 'parameter_invalid_object' });
  return value;
}

/** `metadata[key]=value`; an empty value removes the key, an empty `metadata=` clears everything. */
export function applyMetadata(current: Stripe.Metadata, params: Params): Stripe.Metadata {
  const value = params.metadata;
  if (value === undefined) return current;
  if (value === '') return {};
  if (!isRecord(value)) throw invalidRequest('Invalid object', { param: 'metadata', code: 'parameter_invalid_object' });
  const next: Stripe.Metadata = { ...current };
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw invalidRequest(`Invalid metadata value for ${key}`, { param: `metadata[${key}]` });
    if (key.length > 40) throw invalidRequest('Metadata keys can have up to 40 characters.', { param: `metadata[${key}]` });
    if (v.length > 500) throw invalidRequest('Metadata values can have up to 500 characters.', { param: `metadata[${key}]` });
    if (v === '') delete next[key];
    else next[key] = v;
  }
  if (Object.keys(next).length > 50) throw invalidRequest('Metadata can have up to 50 keys.', { param: 'metadata' });
  return next;
}

export interface ListParams {
  limit: number;
  startingAfter?: string;
  endingBefore?: string;
  created?: { gt?: number; gte?: number; lt?: number; lte?: number };
}

export function listParams(params: Params, extra: readonly string[] = []): ListParams {
  allowOnly(params, ['limit', 'starting_after', 'ending_before', 'created', 'expand', ...extra]);
  const limit = optionalInteger(params, 'limit') ?? 10;
  if (limit < 1 || limit > 100) {
    throw invalidRequest('This value must be greater than or equal to 1 and less than or equal to 100.', {
      param: 'limit',
    });
  }
  const startingAfter = optionalString(params, 'starting_after');
  const endingBefore = optionalString(params, 'ending_before');
  if (startingAfter && endingBefore) {
    throw invalidRequest('You may only specify one of these parameters: ending_before, starting_after.', {
      param: 'ending_before',
    });
  }
  let created: ListParams['created'];
  const raw = params.created;
  if (typeof raw === 'string') {
    const exact = optionalInteger(params, 'created')!;
    created = { gte: exact, lte: exact };
  } else if (isRecord(raw)) {
    allowOnly(raw, ['gt', 'gte', 'lt', 'lte'], 'created');
    created = {};
    for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
      const v = optionalInteger(raw, op, `created[${op}]`);
      if (v !== undefined) created[op] = v;
    }
  }
  return { limit, startingAfter, endingBefore, created };
}
