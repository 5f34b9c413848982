import type Stripe from 'stripe';

import type { Handler, RequestContext } from '../context.ts';
import { invalidRequest } from '../errors.ts';
import { newId, nowSeconds } from '../ids.ts';
import { allowOnly, listParams, optionalString } from '../params.ts';
import { recordEvent } from './events.ts';
import { listBody } from './lists.ts';

const NETWORK_REASON: Record<string, string> = { fraudulent: '10.4', product_not_received: '13.1', general: '' };

/** Open a dispute on a succeeded charge: `charge.disputed` becomes true and `charge.dispute.created` fires. */
export function openDispute(
  ctx: RequestContext,
  charge: Stripe.Charge,
  reason: 'fraudulent' | 'product_not_received' | 'general',
  status: 'needs_response' | 'warning_needs_response',
): Stripe.Dispute {
  if (charge.status !== 'succeeded') throw invalidRequest(`Charge ${charge.id} did not succeed, so it cannot be disputed.`, { param: 'charge' });
  if (charge.disputed) throw invalidRequest(`Charge ${charge.id} has already been disputed.`, { param: 'charge', code: 'charge_disputed' });
  const created = nowSeconds();
  const inquiry = status.startsWith('warning');
  const dispute: Stripe.Dispute = {
    id: newId('dp'),
    object: 'dispute',
    amount: charge.amount - charge.amount_refunded,
    balance_transactions: [],
    charge: charge.id,
    created,
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: {
      access_activity_log: null,
      billing_address: null,
      cancellation_policy: null,
      cancellation_policy_disclosure: null,
      cancellation_rebuttal: null,
      customer_communication: null,
      customer_email_address: null,
      customer_name: null,
      customer_purchase_ip: null,
      customer_signature: null,
      duplicate_charge_documentation: null,
      duplicate_charge_explanation: null,
      duplicate_charge_id: null,
      enhanced_evidence: {},
      product_description: null,
      receipt: null,
      refund_policy: null,
      refund_policy_disclosure: null,
      refund_refusal_explanation: null,
      service_date: null,
      service_documentation: null,
      shipping_address: null,
      shipping_carrier: null,
      shipping_date: null,
      shipping_documentation: null,
      shipping_tracking_number: null,
      uncategorized_file: null,
      uncategorized_text: null,
    },
    evidence_details: {
      due_by: created + 7 * 24 * 3600,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: 'not_submitted',
    },
    intended_submission_method: null,
    is_charge_refundable: inquiry,
    livemode: false,
    metadata: {},
    payment_intent: typeof charge.payment_intent === 'string' ? charge.payment_intent : null,
    payment_method_details: {
      type: 'card',
      card: {
        brand: charge.payment_method_details?.card?.brand ?? 'visa',
        network: charge.payment_method_details?.card?.network ?? 'visa',
        case_type: inquiry ? 'inquiry' : 'chargeback',
        network_reason_code: NETWORK_REASON[reason] || null,
      },
    },
    reason,
    status,
  };
  ctx.store.insert(dispute);
  const updated: Stripe.Charge = { ...charge, disputed: true };
  ctx.store.update(updated);
  recordEvent(ctx, 'charge.dispute.created', dispute);
  return dispute;
}

export const retrieveDispute: Handler = (ctx, { id }) => {
  allowOnly(ctx.params, ['expand']);
  return {
    status: 200,
    body: ctx.store.get<Stripe.Dispute>(id, 'dispute', { param: 'dispute' }),
  };
};

export const listDisputes: Handler = (ctx) => {
  const q = listParams(ctx.params, ['charge', 'payment_intent']);
  const page = ctx.store.list<Stripe.Dispute>('dispute', {
    ...q,
    where: { charge: optionalString(ctx.params, 'charge'), payment_intent: optionalString(ctx.params, 'payment_intent') },
  });
  return { status: 200, body: listBody('/v1/disputes', page) };
};
