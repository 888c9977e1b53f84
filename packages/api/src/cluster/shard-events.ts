// A gateway's live copy of one shard's order events, for its subscribers: it follows the shard's
// subject of the event stream (events.ts) from where the stream ends when it starts, and keeps the
// most recent order events for subscribers that resume, read back from the shard's history at
// start as one process does after a restart. Batches arrive in sequence order, each once; should
// one ever be missing (a stream that lost messages), its events are read from the shard's history.
import { DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { EngineEvent } from "@trading/engine";
import { EventBus } from "../bus.js";
import { Progress } from "./progress.js";
import type { Logger } from "../log.js";
import { keepRecentFrom } from "../replay.js";
import type { History } from "../storage/storage.js";
import { ensureEventStream, eventStreamName, eventSubject, isOrderEvent, type EventBatch } from "./events.js";

export class ShardEvents {
  readonly bus: EventBus;
  /** The last event of the shard delivered to this gateway's subscribers. */
  private readonly progress = new Progress();
  /** Messages of the shard's subject after the last one delivered, as of its delivery (this gateway's lag). */
  pending = 0;
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
    events.progress.advance(last === null ? 0 : last.json<EventBatch>().upTo);
    await keepRecentFrom(options.history, events.bus.recent, events.lastSeq);
    events.messages = await consumer.consume();
    events.done = events.follow().catch((error: unknown) => options.log.error("shard events stopped", { shard, error: String(error) }));
    return events;
  }

  private async follow(): Promise<void> {
    for await (const m of this.messages as ConsumerMessages) {
      const batch = m.json<EventBatch>();
      this.pending = m.info.pending;
      if (batch.upTo <= this.lastSeq) continue;
      if (batch.after > this.lastSeq) await this.fillFromHistory(batch.after);
      this.deliver(batch.events, batch.upTo);
    }
  }

  /** The order events after the last delivered, up to `upTo`, read from the shard's history. */
  private async fillFromHistory(upTo: number): Promise<void> {
    while (this.lastSeq < upTo) {
      const events = (await this.history.events({ afterSeq: this.lastSeq, limit: 1_000 })).filter((e) => e.seq <= upTo);
      this.deliver(events.filter(isOrderEvent), events.length === 0 ? upTo : (events[events.length - 1] as EngineEvent).seq);
    }
  }

  private deliver(events: EngineEvent[], upTo: number): void {
    const fresh = events.filter((e) => e.seq > this.lastSeq);
    if (fresh.length > 0) this.bus.publish(fresh);
    this.progress.advance(upTo);
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
