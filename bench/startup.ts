// Start-up on the bench database: `npm start` as a person runs it (npm, the build check, the launcher), timed from
// the command to the first 200 from /readyz, then SIGTERM and the time to exit. The first start after the
// generator, then restarts. The launcher's own log line says where its time went (migrate, optimize, sandbox,
// demo check, loading the build).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { type Figure, median, round } from './lib';

const RESTARTS = 3;
// The machine may be shared: its load average goes with the figures.
const load = () => loadavg()[0]!.toFixed(1);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

type Run = { readyMs: number; stopMs: number; clean: boolean; launcher: { readyMs?: number; cpuMs?: number; phases?: Record<string, number> } };

async function startAndStop(env: Record<string, string>): Promise<Run> {
  const port = await freePort();
  const sandboxPort = await freePort();
  const started = performance.now();
  // Its own process group, so SIGTERM reaches npm, the shell and the launcher as a process manager would send it.
  const child = spawn('npm', ['start', '--silent'], {
    env: { ...process.env, ...env, PORT: String(port), SANDBOX_PORT: String(sandboxPort), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  // npm exits at once on SIGTERM; Keyed is done when the last process holding its output has closed it.
  const outputClosed = new Promise<void>((resolve) => child.stdout.once('close', () => resolve()));
  let readyMs = 0;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
    if (performance.now() - started > 120_000) {
      process.kill(-child.pid!, 'SIGKILL');
      throw new Error(`npm start was not ready within 120 s:\n${output}`);
    }
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      readyMs = performance.now() - started;
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const stopping = performance.now();
  process.kill(-child.pid!, 'SIGTERM');
  await outputClosed;
  const stopMs = performance.now() - stopping;
  const lineWith = (msg: string) => output.split('\n').find((l) => l.includes(msg));
  const launcher = JSON.parse(lineWith('Keyed is running') ?? '{}') as Run['launcher'];
  const stopped = JSON.parse(lineWith('"msg":"stopped"') ?? '{}') as { clean?: boolean };
  return { readyMs, stopMs, clean: stopped.clean === true, launcher };
}

/** `databaseIsFresh`: no Keyed has started on it yet (the bench generated it this run). */
export async function benchStartup(databasePath: string, databaseIsFresh: boolean): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'keyed-bench-startup-'));
  const env = { DATABASE_PATH: databasePath, SANDBOX_DB: join(dir, 'sandbox.db'), NODE_ENV: 'production', STRIPE_SECRET_KEY: '', STRIPE_PUBLISHABLE_KEY: '' };
  try {
    const first = await startAndStop(env);
    const restarts: Run[] = [];
    for (let i = 0; i < RESTARTS; i++) restarts.push(await startAndStop(env));
    const restartMs = median(restarts.map((r) => r.readyMs));
    const phases = (run: Run) =>
      Object.entries(run.launcher.phases ?? {})
        .map(([name, ms]) => `${name} ${ms} ms`)
        .join(', ');
    return [
      {
        name: databaseIsFresh ? 'npm start → /readyz 200, first start after the generator' : 'npm start → /readyz 200, first start of this bench',
        median: first.readyMs / 1000,
        unit: 's',
        runs: 1,
        target: '≤ 10 s',
        ok: first.readyMs <= 10_000,
        note: `launcher ready ${round((first.launcher.readyMs ?? 0) / 1000)} s after its process started, ${round((first.launcher.cpuMs ?? 0) / 1000)} s of CPU; ${phases(first)}; load average ${load()}`,
      },
      {
        name: 'npm start → /readyz 200, restart',
        median: restartMs / 1000,
        unit: 's',
        runs: RESTARTS,
        target: '≤ 5 s',
        ok: restartMs <= 5_000,
        note: `runs ${restarts.map((r) => round(r.readyMs / 1000)).join(' / ')} s; launcher ready ${restarts.map((r) => round((r.launcher.readyMs ?? 0) / 1000)).join(' / ')} s after its process started, CPU ${restarts.map((r) => round((r.launcher.cpuMs ?? 0) / 1000)).join(' / ')} s; last: ${phases(restarts[restarts.length - 1]!)}; load average ${load()}`,
      },
      {
        name: 'SIGTERM → every process exited (idle; the background sandbox mirror stops between batches)',
        median: median([first, ...restarts].map((r) => r.stopMs)) / 1000,
        unit: 's',
        runs: RESTARTS + 1,
        ok: [first, ...restarts].every((r) => r.clean),
        note: `clean shutdowns: ${[first, ...restarts].filter((r) => r.clean).length} of ${RESTARTS + 1}`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
