/**
 * Regenerates stripe-schemas.json from the pinned stripe package's types (run after upgrading `stripe`):
 *   npx tsx test/sandbox/contract/generate-schemas.ts
 * Every property is required unless the type marks it optional, and no other property is allowed. Objects of
 * resources the sandbox never returns (accounts, invoices, …, reachable only through expansion) are left
 * unchecked, which keeps the file small; everything the sandbox does return is checked field by field.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import * as TJS from 'typescript-json-schema';

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const TYPES = [
  'PaymentIntent',
  'PaymentMethod',
  'Charge',
  'Refund',
  'Dispute',
  'Customer',
  'DeletedCustomer',
  'SetupIntent',
  'StripeEvent',
  'WebhookEndpoint',
  'DeletedWebhookEndpoint',
  'PaymentIntentList',
  'PaymentMethodList',
  'ChargeList',
  'RefundList',
  'DisputeList',
  'CustomerList',
  'SetupIntentList',
  'EventList',
  'WebhookEndpointList',
  'PaymentIntentSearchResult',
  'ChargeSearchResult',
  'CustomerSearchResult',
  'ErrorResponse',
];
/** Definitions kept and checked: the sandbox's resources, their nested parts, and shared shapes. */
const CHECKED =
  /^(PaymentIntent|PaymentMethod|Charge|Refund|Dispute|Customer|DeletedCustomer|SetupIntent|WebhookEndpoint|DeletedWebhookEndpoint|Address|Metadata|OtherString|ApiList<|ApiSearchResult<|ErrorResponse|[A-Za-z]+Event\b|Event\b)/;

const program = TJS.getProgramFromFiles([here('./stripe-types.ts')], {
  strictNullChecks: true,
  skipLibCheck: true,
  module: 99,
  moduleResolution: 100,
  target: 99,
  allowImportingTsExtensions: true,
  noEmit: true,
});
const generator = TJS.buildGenerator(program, { required: true, noExtraProps: true, ref: true, aliasRef: false, strictNullChecks: true, ignoreErrors: true });
if (!generator) throw new Error('typescript-json-schema could not read the types');
const schema = generator.getSchemaForSymbols(TYPES) as { definitions: Record<string, unknown> };

// typescript-json-schema does not resolve NonNullable<…>: point the error body at the spec's api_errors shape.
(schema.definitions.ErrorResponse as { properties: Record<string, unknown> }).properties.error = { $ref: '#/definitions/PaymentIntent.LastPaymentError' };

// `deleted?: void` comes out as an empty anyOf; it means the field is never present.
const neverPresent = (value: unknown): void => {
  if (Array.isArray(value)) return value.forEach(neverPresent);
  if (value === null || typeof value !== 'object') return;
  const node = value as Record<string, unknown>;
  if (Array.isArray(node.anyOf) && node.anyOf.length === 0) {
    delete node.anyOf;
    node.not = {};
  }
  Object.values(node).forEach(neverPresent);
};
neverPresent(schema.definitions);

const UNCHECKED = { description: 'A resource the sandbox never returns (only reachable by expansion); not checked.' };
const definitions: Record<string, unknown> = {};
for (const [name, definition] of Object.entries(schema.definitions)) {
  definitions[name] = TYPES.includes(name) || CHECKED.test(name) ? definition : UNCHECKED;
}
// Drop what nothing reaches any more.
const reachable = new Set<string>();
const visit = (value: unknown): void => {
  if (Array.isArray(value)) return value.forEach(visit);
  if (value === null || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value)) {
    if (key === '$ref' && typeof inner === 'string') {
      const name = decodeURIComponent(inner.replace('#/definitions/', ''));
      if (!reachable.has(name)) {
        reachable.add(name);
        visit(definitions[name]);
      }
    } else visit(inner);
  }
};
TYPES.forEach((name) => {
  reachable.add(name);
  visit(definitions[name]);
});
const kept = Object.fromEntries(Object.entries(definitions).filter(([name]) => reachable.has(name)));
writeFileSync(here('./stripe-schemas.json'), `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', definitions: kept })}\n`);
console.log(`stripe-schemas.json: ${Object.keys(kept).length} definitions`);
