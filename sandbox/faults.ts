/** Injected failures for the next N matching API requests (control API: /__sandbox/faults). */
import { randomToken } from './ids.ts';

export const FAULT_MODES = ['500_before', '429', 'delay', 'drop_after'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface Fault {
  id: string;
  mode: FaultMode;
  /** Matching requests still to be affected. */
  remaining: number;
  method?: string;
  /** Matches this path and everything below it (`/v1/payment_intents` covers `/v1/payment_intents/pi_…/confirm`). */
  path?: string;
  delayMs?: number;
}

export type FaultSpec = Omit<Fault, 'id' | 'remaining'> & { count: number };

export class Faults {
  private faults: Fault[] = [];

  add(spec: FaultSpec): Fault {
    const fault: Fault = {
      id: `fault_${randomToken(8)}`,
      mode: spec.mode,
      remaining: spec.count,
      ...(spec.method ? { method: spec.method.toUpperCase() } : {}),
      ...(spec.path ? { path: spec.path.replace(/\/$/, '') } : {}),
      ...(spec.delayMs !== undefined ? { delayMs: spec.delayMs } : {}),
    };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.faults = [];
  }

  /** The first pending fault matching this request, consumed by one. */
  take(method: string, path: string): Fault | undefined {
    const fault = this.faults.find((f) => (!f.method || f.method === method) && (!f.path || path === f.path || path.startsWith(`${f.path}/`)));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return { ...fault };
  }
}
