import { Form } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

import { RANGE_PRESETS } from '~/reports/report-range';
import type { ReportRange } from '~/reports/reports.server';

function DateField({ name, label, value, error }: { name: 'from' | 'to'; label: string; value: string; error?: string }) {
  const { t } = useTranslation();
  return (
    <div>
      <label htmlFor={name} className="field-label">
        {label}
      </label>
      <input
        id={name}
        name={name}
        type="date"
        defaultValue={value}
        className="field-input"
        aria-invalid={error ? true : undefined}
        aria-describedby={`${name}-error`}
      />
      <p id={`${name}-error`} className="field-error">
        {error ? t(error) : null}
      </p>
    </div>
  );
}

/** The report's period: a preset, or custom dates (GET, so a period is a link). */
export function RangeForm({ range, errors }: { range: ReportRange; errors: Record<string, string> }) {
  const { t } = useTranslation();
  return (
    <Form method="get" className="flex flex-wrap items-end gap-3" aria-label={t('reports.rangeLabel')}>
      <div>
        <label htmlFor="range" className="field-label">
          {t('reports.range')}
        </label>
        <select id="range" name="range" defaultValue={String(range.preset)} className="field-input">
          {RANGE_PRESETS.map((days) => (
            <option key={days} value={days}>
              {t('reports.lastDays', { count: days })}
            </option>
          ))}
          <option value="custom">{t('reports.custom')}</option>
        </select>
      </div>
      <DateField name="from" label={t('reports.from')} value={range.from} error={errors.from} />
      <DateField name="to" label={t('reports.to')} value={range.to} error={errors.to} />
      <button type="submit" className="btn-secondary mb-6">
        {t('reports.apply')}
      </button>
    </Form>
  );
}
