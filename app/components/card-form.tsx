import { CardElement, Elements, useElements, useStripe } from '@stripe/react-stripe-js';
import type { Stripe, StripeCardElementChangeEvent } from '@stripe/stripe-js';
import { loadStripe } from '@stripe/stripe-js/pure';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useHydrated } from './use-hydrated';

export type StripeJsConfig = { publishableKey: string; scriptUrl: string | null };

let stripePromise: Promise<Stripe | null> | null = null;

/**
 * Loads Stripe.js once. In sandbox mode the sandbox's stand-in is put on the page first, so
 * loadStripe finds window.Stripe already defined and uses it instead of js.stripe.com.
 */
function getStripePromise(config: StripeJsConfig) {
  if (!stripePromise) {
    stripePromise = (async () => {
      if (config.scriptUrl && !(window as { Stripe?: unknown }).Stripe) {
        await new Promise<void>((resolve, reject) => {
          const script = document.createElement('script');
          script.src = config.scriptUrl!;
          script.onload = () => resolve();
          script.onerror = () => reject(new Error('Stripe.js failed to load'));
          document.head.appendChild(script);
        });
      }
      return loadStripe(config.publishableKey);
    })().catch((error: unknown) => {
      stripePromise = null;
      throw error;
    });
  }
  return stripePromise;
}

export type CardFormProps = {
  config: StripeJsConfig;
  amountLabel: string;
  disabled: boolean;
  busy: boolean;
  /** Called with the PaymentMethod id; the card itself never leaves Stripe's iframe. */
  onPaymentMethod: (paymentMethodId: string) => void;
};

export function CardForm(props: CardFormProps) {
  const { t, i18n } = useTranslation();
  const hydrated = useHydrated();
  // Stripe.js loads in the browser only, once hydrated.
  const stripe = useMemo(() => (hydrated ? getStripePromise(props.config) : null), [hydrated, props.config]);
  const [loadFailed, setLoadFailed] = useState(false);
  useEffect(() => {
    stripe?.catch(() => setLoadFailed(true));
  }, [stripe]);
  if (loadFailed)
    return (
      <p role="alert" className="text-sm text-red-700">
        {t('cardForm.loadFailed')}
      </p>
    );
  if (!stripe) return <p className="text-sm text-slate-600">{t('cardForm.loading')}</p>;
  return (
    // The card fields speak the page's language too (Stripe Elements and the sandbox both take a locale).
    <Elements stripe={stripe} options={{ locale: i18n.language === 'fr-CA' ? 'fr-CA' : 'en' }} key={i18n.language}>
      <CardFields {...props} />
    </Elements>
  );
}

function CardFields({ amountLabel, disabled, busy, onPaymentMethod }: CardFormProps) {
  const { t } = useTranslation();
  const stripe = useStripe();
  const elements = useElements();
  const [cardState, setCardState] = useState<{ complete: boolean; error: string | null }>({ complete: false, error: null });
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  // A second click while the first is still working must not create a second PaymentMethod or request.
  const submitting = useRef(false);

  const working = creating || busy;

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    if (submitting.current || working || disabled || !stripe || !elements) return;
    const card = elements.getElement(CardElement);
    if (!card) return;
    if (!name.trim()) {
      setNameError(t('cardForm.nameRequired'));
      return;
    }
    setNameError(null);
    if (!cardState.complete) {
      setCardState((s) => ({ ...s, error: s.error ?? t('cardForm.incomplete') }));
      card.focus();
      return;
    }
    submitting.current = true;
    setCreating(true);
    try {
      const { paymentMethod, error } = await stripe.createPaymentMethod({ type: 'card', card, billing_details: { name: name.trim() } });
      if (error || !paymentMethod) {
        // Stripe.js words its own errors in the Elements locale.
        setCardState({ complete: false, error: error?.message ?? t('cardForm.unreadable') });
        submitting.current = false;
        return;
      }
      onPaymentMethod(paymentMethod.id);
    } finally {
      setCreating(false);
    }
  }

  return (
    <form onSubmit={handleSubmit} className="space-y-4" aria-label={t('cardForm.label')} noValidate>
      <div>
        <label htmlFor="cardholder-name" className="field-label">
          {t('cardForm.name')}
        </label>
        <input
          id="cardholder-name"
          name="cardholderName"
          autoComplete="off"
          value={name}
          onChange={(e) => setName(e.target.value)}
          className="field-input"
          aria-invalid={nameError ? true : undefined}
          aria-describedby="cardholder-name-error"
          disabled={disabled}
        />
        <p id="cardholder-name-error" className="field-error">
          {nameError}
        </p>
      </div>
      <div>
        <span id="card-label" className="field-label">
          {t('terminal.card')}
        </span>
        <div
          className="mt-1 rounded-md bg-white px-3 py-3 shadow-sm ring-1 ring-inset ring-slate-300 focus-within:ring-2 focus-within:ring-indigo-600"
          aria-labelledby="card-label"
        >
          <CardElement
            options={{ hidePostalCode: false, disabled, style: { base: { fontSize: '16px', color: '#0f172a' } } }}
            onChange={(e: StripeCardElementChangeEvent) => setCardState({ complete: e.complete, error: e.error?.message ?? null })}
          />
        </div>
        <p id="card-error" role="alert" className="field-error">
          {cardState.error}
        </p>
      </div>
      <button type="submit" className="btn-primary w-full py-3 text-base" disabled={disabled || working || !stripe} aria-busy={working}>
        {working ? (
          <>
            <span className="h-4 w-4 animate-spin rounded-full border-2 border-white border-t-transparent" aria-hidden="true" />
            {t('terminal.charging', { amount: amountLabel })}
          </>
        ) : (
          t('terminal.chargeButton', { amount: amountLabel })
        )}
      </button>
    </form>
  );
}
