import type { ReactNode } from 'react';

/**
 * A table in a horizontally scrollable region. The region is focusable and named by the caption,
 * so keyboard users can scroll it too (axe: scrollable-region-focusable).
 */
export function DataTable({ caption, children }: { caption: string; children: ReactNode }) {
  return (
    <div className="overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200" role="region" aria-label={caption} tabIndex={0}>
      <table className="min-w-full divide-y divide-slate-200">
        <caption className="sr-only">{caption}</caption>
        {children}
      </table>
    </div>
  );
}
