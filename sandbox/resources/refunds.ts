import type Stripe from 'stripe';

import type { Handler } from '../context.ts';
import { invalidRequest, missingParam } from '../errors.ts';
import { newId, nowSeconds } from '../ids.ts';
import { formatAmount } from '../money.ts';
import { allowOnly, applyMetadata, listParams, optionalInteger, optionalString } from '../params.ts';
import { recordEvent } from './events.ts';
import { listBody } from './lists.ts';

const REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;

export const createRefund: Handler = (ctx) => {
  const p = ctx.params;
  allowOnly(p, ['payment_intent', 'charge', 'amount', 'reason', 'metadata', 'expand', 'instructions_email', 'refund_application_fee', 'reverse_transfer']);
  const chargeId = optionalString(p, 'charge');
  const intentId = optionalString(p, 'payment_intent');
  if (!chargeId && !intentId) throw missingParam('charge');
  if (chargeId && intentId) {
    throw invalidRequest('You can only pass one of charge or payment_intent.', { param: 'payment_intent' });
  }
  let charge: Stripe.Charge;
  if (intentId) {
    const intent = ctx.store.get<Stripe.PaymentIntent>(intentId, 'payment_intent', { param: 'payment_intent', status: 400 });
    const latest = typeof intent.latest_charge === 'string' ? intent.latest_charge : intent.latest_charge?.id;
    if (intent.status !== 'succeeded' || !latest) {
      throw invalidRequest(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, {
        param: 'payment_intent',
      });
    }
    charge = ctx.store.get<Stripe.Charge>(latest, 'charge');
  } else {
    charge = ctx.store.get<Stripe.Charge>(chargeId!, 'charge', { param: 'charge', status: 400 });
  }
  if (charge.status !== 'succeeded') {
    throw invalidRequest(`Charge ${charge.id} has not succeeded, so it cannot be refunded.`, { param: 'charge' });
  }
  if (charge.disputed) {
    throw invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, {
      param: 'charge',
      code: 'charge_disputed',
    });
  }
  const remaining = charge.amount - charge.amount_refunded;
  if (remaining <= 0) {
    throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded' });
  }
  const amount = optionalInteger(p, 'amount') ?? remaining;
  if (amount < 1) throw invalidRequest('Invalid positive integer', { param: 'amount', code: 'parameter_invalid_integer' });
  if (amount > remaining) {
    throw invalidRequest(
      `Refund amount (${formatAmount(amount, charge.currency)}) is greater than unrefunded amount on charge (${formatAmount(remaining, charge.currency)})`,
      { param: 'amount' },
    );
  }
  const reason = optionalString(p, 'reason');
  if (reason !== undefined && !(REASONS as readonly string[]).includes(reason)) {
    throw invalidRequest(`Invalid reason: must be one of ${REASONS.join(', ')}`, { param: 'reason' });
  }
  const refund: Stripe.Refund = {
    id: newId('re'),
    object: 'refund',
    amount,
    balance_transaction: newId('txn'),
    charge: charge.id,
    created: nowSeconds(),
    currency: charge.currency,
    customer: null,
    customer_account: null,
    destination_details: { card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' }, type: 'card' },
    metadata: applyMetadata({}, p),
    payment_intent: charge.payment_intent,
    payment_method: charge.payment_method,
    reason: (reason as Stripe.Refund.Reason | undefined) ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
  ctx.store.insert(refund);
  const amountRefunded = charge.amount_refunded + amount;
  const updated: Stripe.Charge = { ...charge, amount_refunded: amountRefunded, refunded: amountRefunded === charge.amount };
  ctx.store.update(updated);
  recordEvent(ctx, 'refund.created', refund);
  recordEvent(ctx, 'charge.refunded', updated, { amount_refunded: charge.amount_refunded, refunded: charge.refunded });
  return { status: 200, body: refund };
};

export const retrieveRefund: Handler = (ctx, { id }) => {
  allowOnly(ctx.params, ['expand']);
  return {
    status: 200,
    body: ctx.store.get<Stripe.Refund>(id, 'refund', { param: 'refund' }),
  };
};

export const listRefunds: Handler = (ctx) => {
  const q = listParams(ctx.params, ['charge', 'payment_intent']);
  const page = ctx.store.list<Stripe.Refund>('refund', {
    ...q,
    where: { charge: optionalString(ctx.params, 'charge'), payment_intent: optionalString(ctx.params, 'payment_intent') },
  });
  return { status: 200, body: listBody('/v1/refunds', page) };
};

export const updateRefund: Handler = (ctx, { id }) => {
  const p = ctx.params;
  allowOnly(p, ['metadata', 'expand']);
  const before = ctx.store.get<Stripe.Refund>(id, 'refund', { param: 'refund' });
  const refund: Stripe.Refund = { ...before, metadata: applyMetadata(before.metadata ?? {}, p) };
  ctx.store.update(refund);
  if (JSON.stringify(refund.metadata) !== JSON.stringify(before.metadata)) recordEvent(ctx, 'refund.updated', refund, { metadata: before.metadata });
  return { status: 200, body: refund };
};

/** Stripe cancels only refunds waiting for the customer (`requires_action`); a card refund never waits. */
export const cancelRefund: Handler = (ctx, { id }) => {
  allowOnly(ctx.params, ['expand']);
  const refund = ctx.store.get<Stripe.Refund>(id, 'refund', { param: 'refund' });
  if (refund.status !== 'requires_action') {
    throw invalidRequest(
      `This refund cannot be canceled because it has a status of ${refund.status}. Only a refund with a status of requires_action may be canceled.`,
      {
        param: 'refund',
      },
    );
  }
  return { status: 200, body: refund };
};
