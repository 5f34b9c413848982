/**
 * Online backups and safe restores of SQLite files (Keyed's database and the sandbox's).
 * Imports nothing from app/: these are file operations, usable by any command.
 */
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

import Database from 'better-sqlite3';

export type FileCheck = { ok: true; tables: Record<string, number> } | { ok: false; problem: string };

/**
 * A consistent copy of a live database: VACUUM INTO reads one snapshot (one read transaction, which in WAL mode
 * never blocks Keyed's writers nor is restarted by them, unlike the page-by-page backup API under a steady write
 * load), and writes a compact file. Written beside the target first and renamed once checked, so a backup file
 * is either whole and verified or absent.
 */
export function backupDatabase(source: string, target: string, counted: string[]): { bytes: number; ms: number; check: FileCheck } {
  if (!existsSync(source)) throw new Error(`No database at ${source}.`);
  if (existsSync(target)) throw new Error(`${target} already exists: choose a new file name (backups are never overwritten).`);
  const started = performance.now();
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare('vacuum into ?').run(partial);
  } finally {
    db.close();
  }
  const check = checkFile(partial, counted);
  if (!check.ok) {
    rmSync(partial, { force: true });
    throw new Error(`The copy of ${source} failed its integrity check: ${check.problem}`);
  }
  syncFile(partial);
  renameSync(partial, target);
  syncFile(dirname(target));
  return { bytes: statSync(target).size, ms: Math.round(performance.now() - started), check };
}

/** PRAGMA integrity_check (every page, index and constraint), then the row counts of the named tables. */
export function checkFile(path: string, counted: string[]): FileCheck {
  if (!existsSync(path)) return { ok: false, problem: `no file at ${path}` };
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const result = db.pragma('integrity_check', { simple: false }) as { integrity_check: string }[];
    const problems = result.map((r) => r.integrity_check).filter((line) => line !== 'ok');
    if (problems.length > 0) return { ok: false, problem: problems.slice(0, 5).join('; ') };
    const tables: Record<string, number> = {};
    for (const table of counted) {
      const present = db.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(table);
      if (!present) return { ok: false, problem: `it has no ${table} table: not the kind of database expected here` };
      tables[table] = db.prepare(`select count(*) from "${table}"`).pluck().get() as number;
    }
    return { ok: true, tables };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  } finally {
    db?.close();
  }
}

/**
 * True when another connection (a running Keyed, the sandbox, any tool) has the file open: taking SQLite's
 * exclusive lock fails while any other process holds even a shared one, which every open WAL connection does.
 */
export function databaseInUse(path: string): boolean {
  if (!existsSync(path)) return false;
  const db = new Database(path, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('begin exclusive');
    db.exec('rollback');
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY' || (error as { code?: string }).code === 'SQLITE_LOCKED') return true;
    throw error;
  } finally {
    db.close();
  }
}

/**
 * Puts a verified backup in place of `target`. The current file, if any, is kept beside it (renamed, never
 * deleted) and its WAL is folded in first; a stale -wal or -shm must never be applied to the restored file.
 * The caller has checked that nothing has `target` open.
 */
export function restoreFile(backup: string, target: string): { previous: string | null } {
  let previous: string | null = null;
  if (existsSync(target)) {
    // Opening and closing folds any WAL into the file and removes it (nobody else has it open).
    new Database(target, { fileMustExist: true }).close();
    previous = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(target, previous);
  }
  for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${target}${suffix}`, { force: true });
  mkdirSync(dirname(target), { recursive: true });
  const incoming = join(dirname(target), `.restoring-${process.pid}`);
  copyFileSync(backup, incoming);
  syncFile(incoming);
  renameSync(incoming, target);
  syncFile(dirname(target));
  return { previous };
}

function syncFile(path: string) {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** backups/keyed-2026-11-30.db → backups/keyed-2026-11-30.sandbox.db: the sandbox's copy travels with Keyed's. */
export function sandboxCopyPath(backup: string) {
  return backup.endsWith('.db') ? `${backup.slice(0, -3)}.sandbox.db` : `${backup}.sandbox.db`;
}
