const STYLES: Record<string, string> = {
  open: 'bg-sky-50 text-sky-800 ring-sky-200',
  processing: 'bg-amber-50 text-amber-900 ring-amber-200',
  paid: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  partially_refunded: 'bg-violet-50 text-violet-800 ring-violet-200',
  refunded: 'bg-slate-100 text-slate-800 ring-slate-300',
  void: 'bg-slate-100 text-slate-600 ring-slate-300',
  succeeded: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  failed: 'bg-red-50 text-red-800 ring-red-200',
  blocked: 'bg-red-50 text-red-800 ring-red-200',
  pending: 'bg-amber-50 text-amber-900 ring-amber-200',
  unknown: 'bg-amber-50 text-amber-900 ring-amber-200',
};

const LABELS: Record<string, string> = {
  partially_refunded: 'partially refunded',
  unknown: 'checking',
  pending: 'processing',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STYLES[status] ?? STYLES.void}`}>
      {LABELS[status] ?? status}
    </span>
  );
}
