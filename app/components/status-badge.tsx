import { useTranslation } from 'react-i18next';

const STYLES: Record<string, string> = {
  open: 'bg-sky-50 text-sky-800 ring-sky-200',
  processing: 'bg-amber-50 text-amber-900 ring-amber-200',
  paid: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  partially_refunded: 'bg-violet-50 text-violet-800 ring-violet-200',
  refunded: 'bg-slate-100 text-slate-800 ring-slate-300',
  void: 'bg-slate-100 text-slate-700 ring-slate-300',
  succeeded: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  failed: 'bg-red-50 text-red-800 ring-red-200',
  blocked: 'bg-red-50 text-red-800 ring-red-200',
  pending: 'bg-amber-50 text-amber-900 ring-amber-200',
  unknown: 'bg-amber-50 text-amber-900 ring-amber-200',
};

export const STATUS_LABEL_KEYS: Record<string, string> = {
  open: 'status.open',
  processing: 'status.processing',
  paid: 'status.paid',
  partially_refunded: 'status.partially_refunded',
  refunded: 'status.refunded',
  void: 'status.void',
  succeeded: 'status.succeeded',
  failed: 'status.failed',
  blocked: 'status.blocked',
  pending: 'status.pending',
  unknown: 'status.unknown',
};

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STYLES[status] ?? STYLES.void}`}>
      {STATUS_LABEL_KEYS[status] ? t(STATUS_LABEL_KEYS[status]!) : status}
    </span>
  );
}
