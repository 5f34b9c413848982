import { useTranslation } from 'react-i18next';
import { Area, Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

import type { DailyPoint } from '~/reports/reports.server';
import type { SignalDay } from '~/reports/upgrade-signal-data.server';

import { useFormat } from './use-format';
import { useLabels } from './use-labels';

// Recharts is imported only by this module, which only the reports route uses: no other page downloads it.

// Type-only imports: erased from the browser bundle, so no server code comes with them.
export type ChartDay = DailyPoint;

// Colour-blind-safe palette (Okabe–Ito), with authentication_required always the same red.
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#56B4E9', '#F0E442', '#CC79A7', '#999999'];
const AUTH_COLOUR = '#D55E00';

// Legend text in the page's text colour: series colours (yellow especially) are too faint for words.
const legendText = (value: string) => <span className="text-slate-700">{value}</span>;

const shortDay = (day: string, locale: string) =>
  new Intl.DateTimeFormat(locale === 'fr-CA' ? 'fr-CA' : 'en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(Date.parse(`${day}T00:00:00Z`));

export function AttemptsChart({ data }: { data: ChartDay[] }) {
  const { t } = useTranslation();
  const { locale } = useFormat();
  const percent = (v: number) => `${Math.round(v * 100)}%`;
  return (
    <ResponsiveContainer width="100%" height={260}>
      <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
        <XAxis dataKey="day" tickFormatter={(d: string) => shortDay(d, locale)} minTickGap={24} fontSize={12} />
        <YAxis yAxisId="count" allowDecimals={false} fontSize={12} />
        <YAxis yAxisId="rate" orientation="right" domain={[0, 1]} tickFormatter={percent} fontSize={12} />
        <Tooltip labelFormatter={(d) => shortDay(String(d), locale)} formatter={(v, name) => (name === t('reports.successRate') ? percent(Number(v)) : v)} />
        <Legend formatter={legendText} />
        <Bar yAxisId="count" dataKey="attempts" name={t('reports.attempts')} fill="#93c5fd" isAnimationActive={false} />
        <Line yAxisId="rate" dataKey="successRate" name={t('reports.successRate')} stroke="#0f766e" strokeWidth={2} dot={false} isAnimationActive={false} />
      </ComposedChart>
    </ResponsiveContainer>
  );
}

export function DeclinesChart({ data, codes }: { data: ChartDay[]; codes: string[] }) {
  const { locale } = useFormat();
  const labels = useLabels();
  const rows = data.map((d) => ({ day: d.day, ...d.declines }));
  return (
    <ResponsiveContainer width="100%" height={260}>
      <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
        <XAxis dataKey="day" tickFormatter={(d: string) => shortDay(d, locale)} minTickGap={24} fontSize={12} />
        <YAxis allowDecimals={false} fontSize={12} />
        <Tooltip labelFormatter={(d) => shortDay(String(d), locale)} />
        <Legend formatter={legendText} />
        {codes.map((code, i) => (
          <Bar
            key={code}
            dataKey={code}
            name={labels.declineCode(code)}
            stackId="declines"
            fill={code === 'authentication_required' ? AUTH_COLOUR : PALETTE[i % PALETTE.length]}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}

export function AuthRequiredChart({ data, thresholdShare }: { data: ChartDay[]; thresholdShare: number }) {
  const { t } = useTranslation();
  const { locale } = useFormat();
  const percent = (v: number) => `${(v * 100).toFixed(1)}%`;
  return (
    <ResponsiveContainer width="100%" height={260}>
      <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
        <XAxis dataKey="day" tickFormatter={(d: string) => shortDay(d, locale)} minTickGap={24} fontSize={12} />
        <YAxis yAxisId="count" allowDecimals={false} fontSize={12} />
        <YAxis yAxisId="share" orientation="right" tickFormatter={percent} fontSize={12} domain={[0, (max: number) => Math.max(max, thresholdShare * 1.25)]} />
        <Tooltip labelFormatter={(d) => shortDay(String(d), locale)} formatter={(v, name) => (name === t('reports.authCount') ? v : percent(Number(v)))} />
        <Legend formatter={legendText} />
        <Bar yAxisId="count" dataKey="authRequired" name={t('reports.authCount')} fill={AUTH_COLOUR} isAnimationActive={false} />
        <Line yAxisId="share" dataKey="authShare" name={t('reports.authShare')} stroke="#7c2d12" strokeWidth={2} dot={false} isAnimationActive={false} />
        <Line
          yAxisId="share"
          dataKey="baselineShare"
          name={t('reports.baseline')}
          stroke="#475569"
          strokeDasharray="6 4"
          dot={false}
          isAnimationActive={false}
        />
        <ReferenceLine
          yAxisId="share"
          y={thresholdShare}
          stroke="#b91c1c"
          strokeDasharray="2 4"
          label={{ value: t('reports.threshold'), position: 'insideTopRight', fontSize: 12 }}
        />
      </ComposedChart>
    </ResponsiveContainer>
  );
}

/**
 * The upgrade signal's evidence over time (as a share of the level that turns the banner on), the
 * 7-day share beside it, and the days the banner showed, so a manager can see why it is on or off.
 */
export function SignalChart({ data, releaseLevel }: { data: SignalDay[]; releaseLevel: number }) {
  const { t } = useTranslation();
  const { locale } = useFormat();
  // The banner's days are shaded full height on the evidence axis, whose top is fixed here for that.
  const top = Math.ceil(Math.max(1.25, ...data.map((d) => d.evidence)) * 4) / 4;
  const rows = data.map((d) => ({ ...d, bannerOn: d.status === 'on' ? top : 0 }));
  const percent = (v: number) => `${Math.round(v * 100)}%`;
  const share = (v: number) => `${(v * 100).toFixed(1)}%`;
  return (
    <ResponsiveContainer width="100%" height={260}>
      <ComposedChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
        <XAxis dataKey="day" tickFormatter={(d: string) => shortDay(d, locale)} minTickGap={24} fontSize={12} />
        <YAxis yAxisId="evidence" tickFormatter={percent} fontSize={12} domain={[0, top]} allowDataOverflow />
        <YAxis yAxisId="share" orientation="right" tickFormatter={share} fontSize={12} />
        <Tooltip
          labelFormatter={(d) => shortDay(String(d), locale)}
          formatter={(v, name) =>
            name === t('reports.bannerDays') ? (Number(v) ? '✓' : '—') : name === t('reports.windowShare') ? share(Number(v)) : percent(Number(v))
          }
        />
        <Legend formatter={legendText} />
        <Area yAxisId="evidence" dataKey="bannerOn" name={t('reports.bannerDays')} type="stepAfter" fill="#fecaca" stroke="none" isAnimationActive={false} />
        <Line yAxisId="evidence" dataKey="evidence" name={t('reports.evidence')} stroke="#1e3a8a" strokeWidth={2} dot={false} isAnimationActive={false} />
        <Line
          yAxisId="share"
          dataKey="windowShare"
          name={t('reports.windowShare')}
          stroke={AUTH_COLOUR}
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
        />
        <ReferenceLine
          yAxisId="evidence"
          y={1}
          stroke="#b91c1c"
          strokeDasharray="2 4"
          label={{ value: t('reports.bannerLevel'), position: 'insideBottomLeft', fontSize: 12 }}
        />
        <ReferenceLine
          yAxisId="evidence"
          y={releaseLevel}
          stroke="#64748b"
          strokeDasharray="6 4"
          label={{ value: t('reports.releaseLevel'), position: 'insideTopLeft', fontSize: 12 }}
        />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
