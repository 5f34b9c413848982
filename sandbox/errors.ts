import type Stripe from 'stripe';

/** The `error` member of a Stripe v1 error body. */
export interface StripeErrorBody {
  type: 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';
  code?: string;
  decline_code?: string;
  advice_code?: string;
  message: string;
  param?: string;
  doc_url?: string;
  charge?: string;
  payment_intent?: Stripe.PaymentIntent;
  setup_intent?: Stripe.SetupIntent;
  payment_method?: Stripe.PaymentMethod;
}

/** Thrown by handlers; the server turns it into Stripe's status and `{ error }` body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
  }
}

export function docUrl(code: string): string {
  return `https://docs.stripe.com/error-codes/${code.replace(/_/g, '-')}`;
}

export function invalidRequest(message: string, opts: { param?: string; code?: string; status?: number } = {}): ApiError {
  const body: StripeErrorBody = { type: 'invalid_request_error', message };
  if (opts.code) {
    body.code = opts.code;
    body.doc_url = docUrl(opts.code);
  }
  if (opts.param) body.param = opts.param;
  return new ApiError(opts.status ?? 400, body);
}

export function missingParam(param: string): ApiError {
  return invalidRequest(`Missing required param: ${param}.`, { param, code: 'parameter_missing' });
}

export function unknownParam(param: string): ApiError {
  return invalidRequest(`Received unknown parameter: ${param}`, { param, code: 'parameter_unknown' });
}

/** `No such payment_intent: 'pi_123'`; 404 when the id was in the URL, 400 when it was a parameter. */
export function noSuch(resource: string, id: string, opts: { param?: string; status?: number } = {}): ApiError {
  return invalidRequest(`No such ${resource}: '${id}'`, {
    code: 'resource_missing',
    param: opts.param ?? 'id',
    status: opts.status ?? 404,
  });
}
