// Committed events fan out to subscribers here. Each subscriber has its own bounded queue that its
// stream drains; a subscriber that falls too far behind is cut off rather than allowed to grow the
// server's memory without limit (its client reconnects and resumes from its last id).
import type { EngineEvent } from "@trading/engine";
import { RecentEvents } from "./replay.js";

export type EventFilter = (event: EngineEvent) => boolean;

export class SubscriberOverflowError extends Error {
  constructor(limit: number) {
    super(`subscriber fell more than ${limit} events behind; reconnect to resume`);
    this.name = "SubscriberOverflowError";
  }
}

export class BusSubscription {
  private queue: EngineEvent[] = [];
  private wake: (() => void) | null = null;
  private failure: Error | null = null;
  closed = false;

  constructor(
    readonly filter: EventFilter,
    private readonly limit: number,
    private readonly onClose: (subscription: BusSubscription) => void,
  ) {}

  push(event: EngineEvent): void {
    if (this.closed || !this.filter(event)) return;
    if (this.queue.length >= this.limit) {
      this.failure = new SubscriberOverflowError(this.limit);
      this.close();
      return;
    }
    this.queue.push(event);
    if (this.wake !== null) {
      const wake = this.wake;
      this.wake = null;
      wake();
    }
  }

  /**
   * Everything queued so far (possibly nothing); waits first when the queue is empty. Answers null
   * once closed; throws if the subscriber overflowed.
   */
  async take(): Promise<EngineEvent[] | null> {
    if (this.queue.length === 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    if (this.failure !== null) throw this.failure;
    if (this.queue.length === 0) return this.closed ? null : [];
    const taken = this.queue;
    this.queue = [];
    return taken;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    if (this.wake !== null) {
      const wake = this.wake;
      this.wake = null;
      wake();
    }
  }
}

export class EventBus {
  private readonly subscriptions = new Set<BusSubscription>();
  /** The most recent events, for subscribers that resume (see replay.ts). */
  readonly recent: RecentEvents;

  /** `replayWindow`: how many recent events to keep for resuming subscribers. */
  constructor(
    replayWindow: number,
    private readonly queueLimit = 10_000,
  ) {
    this.recent = new RecentEvents(replayWindow);
  }

  get size(): number {
    return this.subscriptions.size;
  }

  /** Starts queueing matching events at once, so a caller can replay history first without a gap. */
  subscribe(filter: EventFilter): BusSubscription {
    const subscription = new BusSubscription(filter, this.queueLimit, (s) => this.subscriptions.delete(s));
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** How many live subscriptions would receive this event (for tests and diagnostics). */
  countInterested(event: EngineEvent): number {
    let n = 0;
    for (const subscription of this.subscriptions) if (subscription.filter(event)) n++;
    return n;
  }

  publish(events: readonly EngineEvent[]): void {
    for (const event of events) this.recent.add(event);
    for (const subscription of this.subscriptions) {
      for (const event of events) subscription.push(event);
    }
  }

  closeAll(): void {
    for (const subscription of [...this.subscriptions]) subscription.close();
  }
}
