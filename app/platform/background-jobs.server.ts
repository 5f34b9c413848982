import { startReconciler, stopReconciler } from '~/payments/reconciler.server';

import { pruneExpiredSessions } from './session.server';
import { pruneLoginThrottle } from './throttle.server';

let housekeeping: NodeJS.Timeout | undefined;

/** Started once by the launcher, inside the same module instance that serves requests. */
export function startBackgroundJobs() {
  startReconciler();
  if (!housekeeping) {
    const tidy = () => {
      pruneExpiredSessions();
      pruneLoginThrottle();
    };
    tidy();
    housekeeping = setInterval(tidy, 15 * 60_000);
    housekeeping.unref();
  }
}

/** Stops the timers; resolves once a reconciler run under way has finished. */
export function stopBackgroundJobs(): Promise<void> {
  if (housekeeping) clearInterval(housekeeping);
  housekeeping = undefined;
  return stopReconciler();
}
