/**
 * Delivers events to webhook endpoints, signed like Stripe (`Stripe-Signature: t=…,v1=…`),
 * retrying non-2xx answers with exponential backoff. Runs after the API response and never
 * blocks it; stops on close().
 */
import { createHmac } from 'node:crypto';

import type Stripe from 'stripe';

import type { WebhookEndpointInternal } from './resources/webhook-endpoints.ts';
import type { Store } from './store.ts';

export interface StaticEndpoint {
  url: string;
  secret: string;
}

interface Target {
  url: string;
  secret: string;
  enabledEvents: string[];
}

const WEBHOOK_MAX_ATTEMPTS = 6;
const WEBHOOK_FIRST_RETRY_MS = 500;
const ATTEMPT_TIMEOUT_MS = 10_000;
const ORDER_WAIT_MS = 1_000;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function signPayload(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

export class WebhookDispatcher {
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly controllers = new Set<AbortController>();
  /** First attempts to one URL go out in event order; retries are on their own. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly staticEndpoints: StaticEndpoint[],
    private readonly log: (line: string) => void,
  ) {}

  private targets(): Target[] {
    const stored = this.store
      .all<Stripe.WebhookEndpoint>('webhook_endpoint')
      .filter((e) => e.status === 'enabled')
      .map((e) => ({
        url: e.url,
        secret: this.store.internal<WebhookEndpointInternal>(e.id)?.secret ?? '',
        enabledEvents: e.enabled_events,
      }));
    return [...this.staticEndpoints.map((e) => ({ ...e, enabledEvents: ['*'] })), ...stored];
  }

  countFor(type: string): number {
    return this.targets().filter((t) => t.enabledEvents.includes('*') || t.enabledEvents.includes(type)).length;
  }

  /** Schedule delivery of committed events; returns immediately. */
  enqueue(events: Stripe.Event[]): void {
    if (this.closed || events.length === 0) return;
    const targets = this.targets();
    for (const event of events) {
      const payload = JSON.stringify(event, null, 2);
      for (const target of targets) {
        if (target.enabledEvents.includes('*') || target.enabledEvents.includes(event.type)) {
          // Wait for the previous first attempt, but not for long: a hung endpoint must not
          // hold every later event back by the whole attempt timeout.
          const previous = this.chains.get(target.url) ?? Promise.resolve();
          const next = Promise.race([previous, pause(ORDER_WAIT_MS)]).then(() => this.attempt(target, event, payload, 1));
          this.chains.set(target.url, next);
          void next.finally(() => {
            if (this.chains.get(target.url) === next) this.chains.delete(target.url);
          });
        }
      }
    }
  }

  private schedule(fn: () => void, ms: number): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private async attempt(target: Target, event: Stripe.Event, payload: string, attempt: number): Promise<void> {
    if (this.closed) return;
    const controller = new AbortController();
    this.controllers.add(controller);
    const timeout = setTimeout(() => controller.abort(), ATTEMPT_TIMEOUT_MS);
    let outcome: string;
    try {
      const res = await fetch(target.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'Stripe-Signature': signPayload(payload, target.secret),
        },
        body: payload,
        signal: controller.signal,
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return;
      outcome = `HTTP ${res.status}`;
    } catch (error) {
      if (this.closed) return;
      outcome = error instanceof Error ? error.message : 'network error';
    } finally {
      clearTimeout(timeout);
      this.controllers.delete(controller);
    }
    if (attempt >= WEBHOOK_MAX_ATTEMPTS) {
      this.log(`webhook ${event.id} (${event.type}) to ${target.url} failed after ${attempt} attempts: ${outcome}`);
      return;
    }
    const delay = WEBHOOK_FIRST_RETRY_MS * 2 ** (attempt - 1);
    this.log(`webhook ${event.id} (${event.type}) to ${target.url}: ${outcome}; retrying in ${delay} ms`);
    this.schedule(() => void this.attempt(target, event, payload, attempt + 1), delay);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.controllers) controller.abort();
    this.controllers.clear();
  }
}
