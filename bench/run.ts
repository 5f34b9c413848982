// `npm run bench`: builds a 1,000,000-attempt history in a temporary database (or BENCH_DATABASE_PATH)
// and measures the charge-history and reports figures; writes bench/results.json and prints a table.
//   npm run bench -- [--attempts 1000000] [--days 365] [--skip-export] [--only charges,reports,export,startup]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import type { Figure } from './lib';

const { values } = parseArgs({
  options: {
    attempts: { type: 'string', default: '1000000' },
    days: { type: 'string', default: '365' },
    'skip-export': { type: 'boolean', default: false },
    // Measures only these sections (the generator runs whenever the database is empty); the others keep their figures.
    only: { type: 'string' },
  },
});
const only = values.only ? new Set(values.only.split(',').map((s) => s.trim())) : null;
const wanted = (section: string) => !only || only.has(section);
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
const { benchStartup } = await import('./startup');
const { printTable } = await import('./lib');

const started = performance.now();
const sqlite = getSqlite();
migrateDatabase(sqlite);
const existing = sqlite.prepare('select count(*) as n, max(created_at) as last from payment_attempts').get() as { n: number; last: number | null };
const sections: Record<string, Figure[]> = {};
try {
  if (existing.n === 0) {
    console.log(`Generating ${attempts.toLocaleString('en-US')} attempts over ${days} days into ${process.env.DATABASE_PATH} …`);
    const generator = await charges.benchGenerator(sqlite, { attempts, days, scenario: 'rising-auth', seed: 1 });
    if (wanted('generator')) sections.generator = generator;
  } else {
    console.log(`Using the ${existing.n.toLocaleString('en-US')} attempts already in ${process.env.DATABASE_PATH} (generator not measured).`);
  }
  const endAt = (sqlite.prepare('select max(created_at) as last from payment_attempts').get() as { last: number }).last;
  if (wanted('charges')) {
    console.log('Measuring /charges pages and totals …');
    sections.charges = [...charges.benchPages(endAt), ...charges.benchTotals(endAt)];
  }
  if (wanted('reports')) {
    console.log('Measuring the /reports loader …');
    sections.reports = reports.benchReports(endAt);
  }
  if (wanted('export') && !values['skip-export']) {
    console.log('Measuring the CSV export …');
    sections.export = await charges.benchExport();
  }
  if (wanted('startup')) {
    console.log('Measuring npm start on this database (first start, restarts, SIGTERM) …');
    // A database no Keyed has started on yet has no sandbox mirror mark: its first start is the one after the generator.
    const neverStarted = !sqlite.prepare("select 1 from settings where key = 'sandbox_history_mirror'").get();
    // Keyed opens the file itself, as it would after `npm run db:generate-history`.
    closeDb();
    sections.startup = await benchStartup(process.env.DATABASE_PATH!, neverStarted);
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
