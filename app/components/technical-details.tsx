import { useTranslation } from 'react-i18next';

/**
 * Stripe's codes and developer message, folded away: useful to whoever checks a payment in Stripe, never the
 * first thing finance or staff read.
 */
export function TechnicalDetails({ codes, message, className = '' }: { codes: (string | null | undefined)[]; message?: string | null; className?: string }) {
  const { t } = useTranslation();
  const shown = codes.filter((code): code is string => Boolean(code));
  if (shown.length === 0 && !message) return null;
  return (
    <details className={`text-xs ${className}`}>
      <summary className="cursor-pointer select-none font-medium underline decoration-dotted underline-offset-2">{t('labels.technicalDetails')}</summary>
      <dl className="mt-1 space-y-1">
        {shown.length > 0 ? (
          <div>
            <dt className="inline font-medium">{t('labels.codes')} </dt>
            <dd className="inline">
              {shown.map((code) => (
                <code key={code} className="mr-1 rounded bg-white/70 px-1">
                  {code}
                </code>
              ))}
            </dd>
          </div>
        ) : null}
        {message ? (
          <div>
            <dt className="inline font-medium">{t('labels.stripeMessage')} </dt>
            <dd className="inline break-words">{message}</dd>
          </div>
        ) : null}
      </dl>
    </details>
  );
}
