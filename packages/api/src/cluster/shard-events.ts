// A gateway's live copy of one shard's events, for its subscribers: it follows the shard's
// subject of the event stream (events.ts) from where the stream ends when it starts, and keeps the
// most recent order events for subscribers that resume, read back from the shard's history at
// start as one process does after a restart. Events arrive in sequence order, each once; should one
// ever be missing (a stream that lost messages), it is read from the shard's history in its place.
import { DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { EngineEvent } from "@trading/engine";
import { EventBus } from "../bus.js";
import { Progress } from "./progress.js";
import type { Logger } from "../log.js";
import { keepRecentFrom } from "../replay.js";
import type { History } from "../storage/storage.js";
import { ensureEventStream, eventStreamName, eventSubject } from "./events.js";

export class ShardEvents {
  readonly bus: EventBus;
  /** The last event of the shard delivered to this gateway's subscribers. */
  private readonly progress = new Progress();
  private done: Promise<void> = Promise.resolve();
  private messages: ConsumerMessages | null = null;

  private constructor(
    private readonly history: History,
    replayWindow: number,
  ) {
    this.bus = new EventBus(replayWindow);
  }

  static async start(
    nc: NatsConnection,
    options: { clusterName: string; shard: number; history: History; replayWindow: number; log: Logger },
  ): Promise<ShardEvents> {
    const { clusterName, shard } = options;
    const jsm = await jetstreamManager(nc);
    await ensureEventStream(jsm, clusterName);
    const stream = eventStreamName(clusterName);
    const subject = eventSubject(clusterName, shard);
    const last = await jsm.streams.getMessage(stream, { last_by_subj: subject }).catch(() => null);
    const consumer = await jetstream(nc).consumers.get(
      stream,
      last === null
        ? { filter_subjects: subject, deliver_policy: DeliverPolicy.All }
        : { filter_subjects: subject, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: last.seq + 1 },
    );
    const events = new ShardEvents(options.history, options.replayWindow);
    events.progress.advance(last === null ? 0 : last.json<EngineEvent>().seq);
    await keepRecentFrom(options.history, events.bus.recent, events.lastSeq);
    events.messages = await consumer.consume();
    events.done = events.follow().catch((error: unknown) => options.log.error("shard events stopped", { shard, error: String(error) }));
    return events;
  }

  private async follow(): Promise<void> {
    for await (const m of this.messages as ConsumerMessages) {
      const event = m.json<EngineEvent>();
      if (event.seq <= this.lastSeq) continue;
      if (event.seq > this.lastSeq + 1)
        this.deliver(await this.history.events({ afterSeq: this.lastSeq, limit: event.seq - this.lastSeq - 1 }));
      this.deliver([event]);
    }
  }

  private deliver(events: EngineEvent[]): void {
    const fresh = events.filter((e) => e.seq > this.lastSeq);
    if (fresh.length === 0) return;
    this.bus.publish(fresh);
    this.progress.advance((fresh[fresh.length - 1] as EngineEvent).seq);
  }

  get lastSeq(): number {
    return this.progress.value;
  }

  /** Whether event `seq` reaches this gateway within `timeoutMs`. */
  reached(seq: number, timeoutMs: number): Promise<boolean> {
    return this.progress.within(seq, timeoutMs);
  }

  async stop(): Promise<void> {
    this.messages?.stop();
    await this.done;
    this.bus.closeAll();
  }
}
