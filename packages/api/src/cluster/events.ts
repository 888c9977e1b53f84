// A shard's committed events, published on JetStream for every gateway: subject
// `<cluster>.events.<shard>` of the stream `<cluster>_events`, in sequence order, each once.
// PostgreSQL stays the record: a shard's new owner first publishes what the journal holds and the
// stream does not (an owner may die between its commit and its publish), then what it commits.
// Each publish expects the subject's last stream sequence to be the one this publisher last saw,
// so an owner that lost the shard cannot append anything after its successor has.
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

export class EventPublisher {
  private lastSeq = 0;
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
    this.lastSeq = last === null ? 0 : last.json<EngineEvent>().seq;
    this.lastStreamSeq = last === null ? 0 : last.seq;
    for (;;) {
      const events = await this.history.events({ afterSeq: this.lastSeq, limit: CATCH_UP_PAGE });
      for (const event of events) await this.publish(event);
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
        for (const event of events) if (event.seq > this.lastSeq) await this.publish(event);
      } catch (error) {
        if (this.stopped) return;
        this.log.info("event publishing starts over from the stream", { shard: this.shard, reason: String(error) });
        await new Promise((resolve) => setTimeout(resolve, 100));
        await this.catchUp();
      }
    }
  }

  private async publish(event: EngineEvent): Promise<void> {
    const ack = await this.js.publish(this.subject, JSON.stringify(event), { expect: { lastSubjectSequence: this.lastStreamSeq } });
    this.lastSeq = event.seq;
    this.lastStreamSeq = ack.seq;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.subscription?.close();
    await this.running;
  }
}
