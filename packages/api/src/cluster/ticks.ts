// A shard applies the cluster's market stream (market-stream.ts), every message in stream order,
// through its command queue, so its journal holds each market command and replays to the same
// state. Each command carries its place in the stream (`feedSeq`), which the engine keeps (in its
// snapshots too): a shard's new owner resumes right after the last one its journal holds.
import { DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { NotOwnerError, type CommandQueue } from "../command-queue.js";
import type { Logger } from "../log.js";
import { engineCommand, ensureMarketStream, marketStreamName, marketSubject, type MarketMessage } from "./market-stream.js";

export class MarketFollower {
  /** Messages in the stream after the last one applied, as of the last one delivered (the shard's lag). */
  pending = 0;
  private done: Promise<void> = Promise.resolve();

  private constructor(private readonly messages: ConsumerMessages) {}

  /**
   * `onTime` hears each message's market time: an engine's clock follows the feed's with it, so its
   * orders are stamped on the market's day (see roles/engine.ts).
   */
  static async start(
    nc: NatsConnection,
    clusterName: string,
    shard: number,
    queue: CommandQueue,
    log: Logger,
    onTime: (time: number) => void = () => undefined,
  ): Promise<MarketFollower> {
    await ensureMarketStream(await jetstreamManager(nc), clusterName);
    const consumer = await jetstream(nc).consumers.get(marketStreamName(clusterName), {
      filter_subjects: marketSubject(clusterName),
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: queue.engine.lastFeedSeq + 1,
    });
    const follower = new MarketFollower(await consumer.consume());
    follower.done = follower.follow(shard, queue, log, onTime);
    return follower;
  }

  private async follow(shard: number, queue: CommandQueue, log: Logger, onTime: (time: number) => void): Promise<void> {
    for await (const m of this.messages) {
      // Market commands carry the feed's market time: every shard's market keeps the feed's clock.
      const { command, time } = m.json<MarketMessage>();
      this.pending = m.info.pending;
      onTime(time);
      if (command === null) continue;
      try {
        await queue.submit(() => engineCommand(command, time, m.seq));
      } catch (error) {
        if (!(error instanceof NotOwnerError)) log.error("market command not applied", { shard, feedSeq: m.seq, error: String(error) });
        return;
      }
    }
  }

  async stop(): Promise<void> {
    this.messages.stop();
    await this.done;
  }
}
