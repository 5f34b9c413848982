import { useTranslation } from 'react-i18next';

import type { getReport } from '~/reports/reports.server';

import { AttemptsChart, AuthRequiredChart, DeclinesChart, SignalChart } from '../report-charts';
import { useFormat } from '../use-format';
import { useLabels } from '../use-labels';
import { ChartCard, type Column, DailyTable } from './chart-card';
import { RevenueCard } from './report-sections';

type Report = ReturnType<typeof getReport>;
type Day = Report['daily'][number];

const STATUS_KEYS = {
  on: 'reports.status.on',
  unsure: 'reports.status.unsure',
  low_volume: 'reports.status.low_volume',
  off: 'reports.status.off',
} as const;

/** The report's charts, each with its data table; the upgrade signal's evidence sits next to the share it reads. */
export function ChartsGrid({ report }: { report: Report }) {
  const { t } = useTranslation();
  const format = useFormat();
  const labels = useLabels();
  const { daily, codes, signal } = report;
  return (
    <div className="grid gap-6 xl:grid-cols-2">
      <ChartCard
        id="attempts"
        title={t('reports.attemptsChart')}
        table={
          <DailyTable
            rows={daily}
            columns={[
              [t('reports.attempts'), (d) => format.number(d.attempts)],
              [t('reports.successRate'), (d) => format.percent(d.successRate)],
            ]}
          />
        }
      >
        <AttemptsChart data={daily} />
      </ChartCard>
      <ChartCard
        id="declines"
        title={t('reports.declinesChart')}
        table={<DailyTable rows={daily} columns={codes.map((code): Column<Day> => [labels.declineCode(code), (d) => format.number(d.declines[code] ?? 0)])} />}
      >
        <DeclinesChart data={daily} codes={codes} />
      </ChartCard>
      <ChartCard
        id="auth"
        title={t('reports.authChart')}
        table={
          <DailyTable
            rows={daily}
            columns={[
              [t('reports.authCount'), (d) => format.number(d.authRequired)],
              [t('reports.authShare'), (d) => format.percent(d.authShare, 2)],
              [t('reports.baseline'), (d) => format.percent(d.baselineShare, 2)],
            ]}
          />
        }
      >
        <AuthRequiredChart data={daily} thresholdShare={report.thresholdShare} />
      </ChartCard>
      <ChartCard
        id="signal"
        title={t('reports.signalChart')}
        help={t('reports.signalHelp')}
        table={
          <DailyTable
            rows={signal.days}
            columns={[
              [t('reports.windowShare'), (d) => format.percent(d.windowShare, 2)],
              [t('reports.evidence'), (d) => format.percent(d.evidence, 0)],
              [t('reports.signalStatus'), (d) => t(STATUS_KEYS[d.status])],
            ]}
          />
        }
      >
        <SignalChart data={signal.days} releaseLevel={signal.releaseLevel} />
      </ChartCard>
      <RevenueCard revenue={report.revenue} />
    </div>
  );
}
