// A shard applies every tick of the cluster's feed, in the stream's order, through its command
// queue, so its journal holds them and replays to the same state. Each tick carries its place in
// the stream (`feedSeq`), which the engine keeps (in its snapshots too): a shard's new owner
// resumes right after the last tick its journal holds.
import { DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { NotOwnerError, type CommandQueue } from "../command-queue.js";
import type { Logger } from "../log.js";
import { ensureTickStream, tickStreamName, tickSubject, type FeedMessage } from "./feed.js";

export class TickFollower {
  /** Ticks in the stream after the last one applied, as of the last one delivered (the shard's lag). */
  pending = 0;
  private done: Promise<void> = Promise.resolve();

  private constructor(private readonly messages: ConsumerMessages) {}

  static async start(nc: NatsConnection, clusterName: string, shard: number, queue: CommandQueue, log: Logger): Promise<TickFollower> {
    await ensureTickStream(await jetstreamManager(nc), clusterName);
    const consumer = await jetstream(nc).consumers.get(tickStreamName(clusterName), {
      filter_subjects: tickSubject(clusterName),
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: queue.engine.lastFeedSeq + 1,
    });
    const follower = new TickFollower(await consumer.consume());
    follower.done = follower.follow(shard, queue, log);
    return follower;
  }

  private async follow(shard: number, queue: CommandQueue, log: Logger): Promise<void> {
    for await (const m of this.messages) {
      const tick = m.json<FeedMessage>();
      this.pending = m.info.pending;
      try {
        await queue.submit((stamp) => ({
          kind: "tick",
          time: stamp.time,
          symbol: tick.symbol,
          price: tick.price,
          volume: tick.volume,
          feedSeq: m.seq,
        }));
      } catch (error) {
        if (!(error instanceof NotOwnerError)) log.error("tick not applied", { shard, feedSeq: m.seq, error: String(error) });
        return;
      }
    }
  }

  async stop(): Promise<void> {
    this.messages.stop();
    await this.done;
  }
}
