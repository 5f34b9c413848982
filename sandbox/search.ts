/**
 * Stripe's search query language, for the fields the sandbox's search endpoints support:
 * `field:value` (exact, case-insensitive), `field~"sub"` (substring, ≥ 3 characters), `field>n`, `<`, `>=`, `<=`
 * on numbers, `-clause` to negate, `metadata["key"]:"value"` (and `:null` for a missing key), clauses joined by
 * AND or by OR (not both), at most 10 of them.
 */
import { invalidRequest } from './errors.ts';

export type FieldKind = 'string' | 'number' | 'boolean' | 'metadata';

interface Clause {
  field: string;
  /** For `metadata["key"]`. */
  key?: string;
  op: ':' | '~' | '>' | '<' | '>=' | '<=';
  value: string | number | null;
  negated: boolean;
}

export interface Query {
  clauses: Clause[];
  join: 'AND' | 'OR';
}

function queryError(message: string) {
  return invalidRequest(message, { param: 'query' });
}

const CLAUSE =
  /^\s*(-)?(metadata\[(?:"([^"]*)"|'([^']*)')\]|[a-z_][a-z0-9_.]*)\s*(>=|<=|:|~|>|<)\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(-?\d+(?:\.\d+)?)|(null))/;

export function parseQuery(text: string, fields: Record<string, FieldKind>, resource: string): Query {
  let rest = text.trim();
  if (!rest) throw queryError('The query must not be empty.');
  const clauses: Clause[] = [];
  const joins = new Set<'AND' | 'OR'>();
  for (;;) {
    const m = CLAUSE.exec(rest);
    if (!m) throw queryError(`Invalid query: could not parse \`${rest.slice(0, 40)}\`. See https://docs.stripe.com/search#search-query-language.`);
    const [whole, neg, fieldText, keyDouble, keySingle, op, doubleQuoted, singleQuoted, number, nullWord] = m;
    const isMetadata = fieldText.startsWith('metadata[');
    const field = isMetadata ? 'metadata' : fieldText;
    const kind = fields[field];
    if (!kind) {
      throw queryError(
        `Field \`${fieldText}\` is an unsupported search field for resource \`${resource}\`. See http://stripe.com/docs/search#query-fields-for-${resource.replace(/_/g, '-')} for a list of supported fields.`,
      );
    }
    const value = doubleQuoted ?? singleQuoted;
    const clause: Clause = {
      field,
      key: isMetadata ? (keyDouble ?? keySingle) : undefined,
      op: op as Clause['op'],
      value: nullWord ? null : value !== undefined ? value.replace(/\\(.)/g, '$1') : Number(number),
      negated: neg === '-',
    };
    if (clause.op !== ':' && clause.op !== '~' && kind !== 'number')
      throw queryError(`The \`${clause.op}\` operator applies only to numeric fields, not \`${fieldText}\`.`);
    if (clause.op === '~' && (kind === 'number' || kind === 'boolean'))
      throw queryError(`The \`~\` operator applies only to text fields, not \`${fieldText}\`.`);
    if (clause.op === '~' && (typeof clause.value !== 'string' || clause.value.length < 3))
      throw queryError('A substring search (`~`) needs at least 3 characters.');
    if (clause.value === null && kind !== 'metadata') throw queryError(`\`null\` can only be matched on metadata, not \`${fieldText}\`.`);
    clauses.push(clause);
    rest = rest.slice(whole.length).trim();
    if (!rest) break;
    const join = /^(AND|OR)\s+/.exec(rest);
    if (!join) throw queryError(`Invalid query: expected AND or OR before \`${rest.slice(0, 40)}\`.`);
    joins.add(join[1] as 'AND' | 'OR');
    rest = rest.slice(join[0].length);
  }
  if (joins.size > 1) throw queryError('A query may combine clauses with AND or with OR, but not both.');
  if (clauses.length > 10) throw queryError('A query may have at most 10 clauses.');
  return { clauses, join: joins.has('OR') ? 'OR' : 'AND' };
}

function read(object: unknown, path: string): unknown {
  let value: unknown = object;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function matches(object: unknown, clause: Clause, kind: FieldKind): boolean {
  let actual: unknown;
  if (kind === 'metadata') {
    const metadata = read(object, 'metadata') as Record<string, string> | undefined;
    actual = metadata?.[clause.key ?? ''];
    if (clause.value === null) return actual === undefined;
  } else {
    actual = read(object, clause.field);
  }
  if (actual === undefined || actual === null) return false;
  if (kind === 'number') {
    const a = Number(actual);
    const v = Number(clause.value);
    switch (clause.op) {
      case '>':
        return a > v;
      case '<':
        return a < v;
      case '>=':
        return a >= v;
      case '<=':
        return a <= v;
      default:
        return a === v;
    }
  }
  const a = String(actual).toLowerCase();
  const v = String(clause.value).toLowerCase();
  return clause.op === '~' ? a.includes(v) : a === v;
}

export function evaluate(query: Query, object: unknown, fields: Record<string, FieldKind>): boolean {
  const results = query.clauses.map((c) => matches(object, c, fields[c.field]) !== c.negated);
  return query.join === 'AND' ? results.every(Boolean) : results.some(Boolean);
}
