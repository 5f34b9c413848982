// `npm run bench`: builds a 1,000,000-attempt history in a temporary database (or BENCH_DATABASE_PATH)
// and measures the charge-history and reports figures; writes bench/results.json and prints a table.
//   npm run bench -- [--attempts 1000000] [--days 365] [--skip-export]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import type { Figure } from './lib';

const { values } = parseArgs({
  options: { attempts: { type: 'string', default: '1000000' }, days: { type: 'string', default: '365' }, 'skip-export': { type: 'boolean', default: false } },
});
const attempts = Number(values.attempts);
const days = Number(values.days);

// Every module reads DATABASE_PATH on first use: point it at the bench database before importing them.
const explicit = process.env.BENCH_DATABASE_PATH;
const dir = explicit ? null : mkdtempSync(join(tmpdir(), 'keyed-bench-'));
process.env.DATABASE_PATH = explicit ?? join(dir!, 'bench.db');

const { closeDb, getSqlite } = await import('../app/platform/db.server');
const { migrateDatabase } = await import('../db/migrate');
const charges = await import('./charges');
const reports = await import('./reports');
const { printTable } = await import('./lib');

const started = performance.now();
const sqlite = getSqlite();
migrateDatabase(sqlite);
const existing = sqlite.prepare('select count(*) as n, max(created_at) as last from payment_attempts').get() as { n: number; last: number | null };
const sections: Record<string, Figure[]> = {};
try {
  if (existing.n === 0) {
    console.log(`Generating ${attempts.toLocaleString('en-US')} attempts over ${days} days into ${process.env.DATABASE_PATH} …`);
    sections.generator = await charges.benchGenerator(sqlite, { attempts, days, scenario: 'rising-auth', seed: 1 });
  } else {
    console.log(`Using the ${existing.n.toLocaleString('en-US')} attempts already in ${process.env.DATABASE_PATH} (generator not measured).`);
  }
  const endAt = (sqlite.prepare('select max(created_at) as last from payment_attempts').get() as { last: number }).last;
  console.log('Measuring /charges pages and totals …');
  sections.charges = [...charges.benchPages(endAt), ...charges.benchTotals(endAt)];
  console.log('Measuring the /reports loader …');
  sections.reports = reports.benchReports(endAt);
  if (!values['skip-export']) {
    console.log('Measuring the CSV export …');
    sections.export = await charges.benchExport();
  }
} finally {
  closeDb();
  if (dir) rmSync(dir, { recursive: true, force: true });
}

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGb: Math.round(totalmem() / 1024 ** 3),
  freeMemoryGb: Math.round(freemem() / 1024 ** 3),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
};
for (const [name, figures] of Object.entries(sections)) printTable(name, figures);
console.log(
  `\n${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}; bench took ${Math.round((performance.now() - started) / 1000)} s.`,
);

// Sections this run did not measure (for example the export, with --skip-export) keep their last figures.
const resultsPath = new URL('./results.json', import.meta.url);
let previous: Record<string, unknown> = {};
try {
  previous = JSON.parse(readFileSync(resultsPath, 'utf8')) as Record<string, unknown>;
} catch {
  previous = {};
}
const results = {
  ...previous,
  date: new Date().toISOString(),
  machine,
  dataset: { attempts: existing.n || attempts, days, scenario: 'rising-auth' },
  ...sections,
};
writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
console.log(`Wrote ${resultsPath.pathname}`);
