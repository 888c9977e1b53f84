// A gateway's copy of the market: it applies the cluster's market stream (market-stream.ts) to a
// local engine, in stream order, as every shard does, so it answers instruments and quotes at once
// (as `platform.engine` does in one process) and tells its tick subscribers. Market events are
// numbered by their place in the stream, the same on every gateway, so a tick's event id means
// the same wherever a client reconnects.
import { DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { Engine } from "@trading/engine";
import { EventBus } from "../bus.js";
import { Progress } from "./progress.js";
import { engineCommand, ensureMarketStream, marketStreamName, marketSubject, type MarketMessage } from "./market-stream.js";

export class MarketReplica {
  readonly engine = new Engine({ retainClosedOrders: false });
  /** Market events, numbered by their place in the stream (no order events: nothing to replay). */
  readonly bus = new EventBus(0);
  /** The place in the stream of the last message applied. */
  readonly progress = new Progress();
  /** Whether the feed is paused, as of the last message applied. */
  paused = false;
  /** Messages in the stream after the last one applied, as of its delivery (this copy's lag). */
  pending = 0;
  private done: Promise<void> = Promise.resolve();

  private constructor(private readonly messages: ConsumerMessages) {}

  /** Starts following; resolves once the copy holds everything the stream held at the start. */
  static async start(nc: NatsConnection, clusterName: string): Promise<MarketReplica> {
    const jsm = await jetstreamManager(nc);
    await ensureMarketStream(jsm, clusterName);
    const consumer = await jetstream(nc).consumers.get(marketStreamName(clusterName), {
      filter_subjects: marketSubject(clusterName),
      deliver_policy: DeliverPolicy.All,
    });
    const replica = new MarketReplica(await consumer.consume());
    replica.done = replica.follow();
    const info = await jsm.streams.info(marketStreamName(clusterName));
    await replica.progress.reached(info.state.last_seq);
    return replica;
  }

  private async follow(): Promise<void> {
    for await (const m of this.messages) {
      const message = m.json<MarketMessage>();
      if (message.command !== null) {
        const result = this.engine.apply(engineCommand(message.command, message.time, m.seq));
        this.bus.publish(result.events.map((event) => ({ ...event, seq: m.seq })));
      }
      this.paused = message.state.paused;
      this.pending = m.info.pending;
      this.progress.advance(m.seq);
    }
  }

  /** The place in the stream of the last message applied. */
  get lastSeq(): number {
    return this.progress.value;
  }

  async stop(): Promise<void> {
    this.messages.stop();
    await this.done;
    this.bus.closeAll();
  }
}
