// Committed events fan out to subscribers here. Each subscriber has its own bounded queue, read
// by an async iterator; a subscriber that falls too far behind is cut off rather than allowed to
// grow the server's memory without limit (its client reconnects and resumes from its last id).
import type { EngineEvent } from "@trading/engine";

export type EventFilter = (event: EngineEvent) => boolean;

export class SubscriberOverflowError extends Error {
  constructor(limit: number) {
    super(`subscriber fell more than ${limit} events behind; reconnect to resume`);
    this.name = "SubscriberOverflowError";
  }
}

class Subscription {
  private readonly queue: EngineEvent[] = [];
  private wake: (() => void) | null = null;
  private failure: Error | null = null;
  closed = false;

  constructor(
    readonly filter: EventFilter,
    private readonly limit: number,
  ) {}

  push(event: EngineEvent): void {
    if (this.closed || !this.filter(event)) return;
    if (this.queue.length >= this.limit) {
      this.failure = new SubscriberOverflowError(this.limit);
      this.closed = true;
    } else {
      this.queue.push(event);
    }
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  async *iterate(signal: AbortSignal | undefined): AsyncGenerator<EngineEvent> {
    const onAbort = () => this.close();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      for (;;) {
        while (this.queue.length > 0) yield this.queue.shift() as EngineEvent;
        if (this.failure !== null) throw this.failure;
        if (this.closed) return;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = null;
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      this.closed = true;
    }
  }
}

export class EventBus {
  private readonly subscriptions = new Set<Subscription>();

  constructor(private readonly queueLimit = 10_000) {}

  get size(): number {
    return this.subscriptions.size;
  }

  /**
   * Starts buffering matching events at once, so a caller can replay history and then continue
   * from the buffer without a gap.
   */
  subscribe(filter: EventFilter, signal?: AbortSignal): AsyncGenerator<EngineEvent> {
    const subscription = new Subscription(filter, this.queueLimit);
    this.subscriptions.add(subscription);
    const iterator = subscription.iterate(signal);
    const subscriptions = this.subscriptions;
    return (async function* () {
      try {
        yield* iterator;
      } finally {
        subscriptions.delete(subscription);
      }
    })();
  }

  /** How many live subscriptions would receive this event (for tests and diagnostics). */
  countInterested(event: EngineEvent): number {
    let n = 0;
    for (const subscription of this.subscriptions) if (!subscription.closed && subscription.filter(event)) n++;
    return n;
  }

  publish(events: readonly EngineEvent[]): void {
    for (const subscription of this.subscriptions) {
      for (const event of events) subscription.push(event);
    }
  }

  closeAll(): void {
    for (const subscription of this.subscriptions) subscription.close();
  }
}
