// A shard's committed order events, published on JetStream for every gateway: subject
// `<cluster>.events.<shard>` of the stream `<cluster>_events`, in sequence order, each once. One
// message per committed batch (one round trip, not one per event) holds the batch's order events
// and the range of the shard's sequence it covers, `(after, upTo]`: market events (ticks) take
// sequence numbers too but are not sent (gateways have the market stream), so a consumer tells a
// gap from a range without order events by `after`. PostgreSQL stays the record: a shard's new
// owner first publishes what the journal holds and the stream does not (an owner may die between
// its commit and its publish), then what it commits. Each publish expects the subject's last
// stream sequence to be the one this publisher last saw, so two owners never interleave.
import { jetstream, jetstreamManager, StorageType, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { EngineEvent } from "@trading/engine";
import type { BusSubscription, EventBus } from "../bus.js";
import type { Logger } from "../log.js";
import type { History } from "../storage/storage.js";

export function eventStreamName(clusterName: string): string {
  return `${clusterName}_events`;
}

export function eventSubject(clusterName: string, shard: number): string {
  return `${clusterName}.events.${shard}`;
}

/** Creates the cluster's event stream unless it is there. */
export async function ensureEventStream(jsm: JetStreamManager, clusterName: string): Promise<void> {
  const name = eventStreamName(clusterName);
  const exists = await jsm.streams.info(name).then(
    () => true,
    () => false,
  );
  if (!exists) await jsm.streams.add({ name, subjects: [`${clusterName}.events.*`], storage: StorageType.File });
}

/** Events read from the journal's history at a time while catching up. */
const CATCH_UP_PAGE = 1_000;

/** One message of a shard's subject: its order events with sequence numbers in `(after, upTo]`. */
export interface EventBatch {
  after: number;
  upTo: number;
  events: EngineEvent[];
}

/** The events subscribers of a user's stream may need (see replay.ts): those about an order. */
export function isOrderEvent(event: EngineEvent): boolean {
  return "order" in event;
}

export class EventPublisher {
  /** Every event up to this one is on the stream, or needs not be. */
  private lastSeq = 0;
  /** `upTo` of the last message on the subject. */
  private lastUpTo = 0;
  private lastStreamSeq = 0;
  private subscription: BusSubscription | null = null;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  private constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly clusterName: string,
    private readonly shard: number,
    private readonly history: History,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {}

  /** Starts publishing a shard's events: what the stream lacks first, then each batch as it commits. */
  static async start(
    nc: NatsConnection,
    clusterName: string,
    shard: number,
    history: History,
    bus: EventBus,
    log: Logger,
  ): Promise<EventPublisher> {
    const jsm = await jetstreamManager(nc);
    await ensureEventStream(jsm, clusterName);
    const publisher = new EventPublisher(jetstream(nc), jsm, clusterName, shard, history, bus, log);
    await publisher.catchUp();
    publisher.running = publisher.follow().catch((error: unknown) => {
      log.warn("event publishing stopped", { shard, error: String(error) });
    });
    return publisher;
  }

  get subject(): string {
    return eventSubject(this.clusterName, this.shard);
  }

  /** The last event sequence published for this shard. */
  get published(): number {
    return this.lastSeq;
  }

  /** Subscribes to the bus first (so nothing committed meanwhile is missed), then publishes what the stream lacks. */
  private async catchUp(): Promise<void> {
    this.subscription?.close();
    this.subscription = this.bus.subscribe(() => true);
    const last = await this.jsm.streams.getMessage(eventStreamName(this.clusterName), { last_by_subj: this.subject }).catch(() => null);
    this.lastUpTo = last === null ? 0 : last.json<EventBatch>().upTo;
    this.lastSeq = this.lastUpTo;
    this.lastStreamSeq = last === null ? 0 : last.seq;
    for (;;) {
      const events = await this.history.events({ afterSeq: this.lastSeq, limit: CATCH_UP_PAGE });
      await this.publish(events);
      if (events.length < CATCH_UP_PAGE) return;
    }
  }

  /**
   * Publishes each batch as it commits. Should the stream not end where this publisher left it
   * (the previous owner, waking, published what it had committed), or the bus have dropped this
   * publisher for falling behind, it starts over from where the stream ends: the journal has
   * everything, and every publisher appends the same events in the same order, each once.
   */
  private async follow(): Promise<void> {
    while (!this.stopped && this.subscription !== null) {
      try {
        const events = await this.subscription.take();
        if (events === null) return;
        await this.publish(events.filter((event) => event.seq > this.lastSeq));
      } catch (error) {
        if (this.stopped) return;
        this.log.info("event publishing starts over from the stream", { shard: this.shard, reason: String(error) });
        await new Promise((resolve) => setTimeout(resolve, 100));
        await this.catchUp();
      }
    }
  }

  /** Publishes the order events of `events` (committed, in order, after `lastSeq`) as one message; nothing when there are none. */
  private async publish(events: EngineEvent[]): Promise<void> {
    const last = events[events.length - 1];
    if (last === undefined) return;
    const orders = events.filter(isOrderEvent);
    if (orders.length > 0) {
      const batch: EventBatch = { after: this.lastUpTo, upTo: last.seq, events: orders };
      const ack = await this.js.publish(this.subject, JSON.stringify(batch), { expect: { lastSubjectSequence: this.lastStreamSeq } });
      this.lastStreamSeq = ack.seq;
      this.lastUpTo = last.seq;
    }
    this.lastSeq = last.seq;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.subscription?.close();
    await this.running;
  }
}
