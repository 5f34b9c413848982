import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

import { ErrorPage } from '~/components/error-page';
import { pageTitle } from '~/components/page-title';
import { ChartsGrid } from '~/components/reports/charts-grid';
import { RangeForm } from '~/components/reports/range-form';
import { BreakdownTables, OutliersCard, TotalsGrid } from '~/components/reports/report-sections';
import { SignalNote } from '~/components/signal-note';
import { UpgradeBanner } from '~/components/upgrade-banner';
import { requirePermission } from '~/platform/auth.server';
import { getReport, parseReportRange } from '~/reports/reports.server';
import { listStaffDeclineOutliers } from '~/reports/staff-outliers.server';
import { getUpgradeSignal } from '~/reports/upgrade-signal-data.server';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'titles.reports');

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'report:view');
  const { range, errors } = parseReportRange(new URL(request.url).searchParams);
  return json({ report: getReport(range), errors, signal: getUpgradeSignal(), outliers: listStaffDeclineOutliers() });
}

export default function ReportsPage() {
  const { report, errors, signal, outliers } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <h1 className="text-2xl font-bold tracking-tight">{t('nav.reports')}</h1>
        <RangeForm range={report.range} errors={errors} />
      </div>
      {signal.on ? <UpgradeBanner signal={signal} /> : <SignalNote signal={signal} />}
      <TotalsGrid totals={report.totals} />
      <ChartsGrid report={report} />
      <BreakdownTables breakdowns={report.breakdowns} />
      <OutliersCard outliers={outliers} />
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
