import type { Server } from 'node:http';

import type { Logger } from 'pino';

export type ShutdownPlan = {
  server: Server;
  /** How long in-flight requests and charges may take to finish. */
  graceMs: number;
  /** Called first: from here on responses close their connection and /readyz answers 503. */
  startDraining: () => void;
  /** Resolves true when no charge is being sent (false at the deadline). */
  waitForCharges: (timeoutMs: number) => Promise<boolean>;
  /** Stops timers and resolves when a run under way has finished (the reconciler). */
  stopJobs: () => Promise<void>;
  /** Work the launcher itself runs in the background (the sandbox mirror). */
  stopLauncherWork: () => Promise<void>;
  closeSandbox?: () => Promise<void>;
  closeDatabases: () => void;
};

/**
 * SIGTERM: stop taking connections, let in-flight requests and charges finish (bounded), stop the background
 * jobs, then close the sandbox and the databases, in that order: a charge being sent still needs both.
 * Resolves with the exit code: 0 when everything finished in time, 1 when the deadline cut something short
 * (an attempt left pending is settled by the reconciler at the next start).
 */
export async function shutDown(plan: ShutdownPlan, logger: Logger, signal: string): Promise<number> {
  const deadline = Date.now() + plan.graceMs;
  const left = () => Math.max(0, deadline - Date.now());
  logger.info({ signal, graceSeconds: plan.graceMs / 1000 }, 'shutting down: no new connections, finishing in-flight work');
  plan.startDraining();

  const serverClosed = new Promise<void>((resolve) => plan.server.close(() => resolve()));
  // Keep-alive connections with no request on them would hold close() open for nothing.
  plan.server.closeIdleConnections();
  const idleSweep = setInterval(() => plan.server.closeIdleConnections(), 100);
  const jobsStopped = Promise.all([plan.stopJobs(), plan.stopLauncherWork()]);

  const requestsDone = await within(serverClosed, left());
  clearInterval(idleSweep);
  const chargesDone = await plan.waitForCharges(left());
  const jobsDone = await within(jobsStopped, left());
  if (!requestsDone) plan.server.closeAllConnections();

  const clean = requestsDone && chargesDone && jobsDone;
  if (!clean) logger.warn({ requestsDone, chargesDone, jobsDone }, 'shutdown deadline reached: unfinished work is settled by the reconciler at the next start');
  try {
    await plan.closeSandbox?.();
  } finally {
    plan.closeDatabases();
  }
  logger.info({ clean }, 'stopped');
  return clean ? 0 : 1;
}

async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
