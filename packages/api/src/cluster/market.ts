// A gateway's view of the market: instruments and quotes are the same on every shard (every shard
// applies every instrument, tick and session command), so a gateway keeps a copy of its own by
// applying the market events of shard 0's event stream to a local engine, in their order. It
// answers instruments and quotes at once, as `platform.engine` does in one process.
import { DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { Engine, type Command, type EngineEvent } from "@trading/engine";
import { ensureEventStream, eventStreamName, eventSubject } from "./events.js";

/** The shard whose events a market replica follows. */
const MARKET_SHARD = 0;

/** The command that makes the same change to the market as `event` did; null for other events. */
function marketCommand(event: EngineEvent): Command | null {
  switch (event.type) {
    case "instrument.added":
      return { kind: "addInstrument", time: event.time, instrument: event.instrument };
    case "price.tick":
      return { kind: "tick", time: event.time, symbol: event.symbol, price: event.price, volume: event.volume };
    case "session.opened":
      return { kind: "openSession", time: event.time };
    case "session.closed":
      return { kind: "closeSession", time: event.time };
    default:
      return null;
  }
}

export class MarketReplica {
  readonly engine = new Engine({ retainClosedOrders: false });
  /** The last event of the followed shard applied here. */
  lastSeq = 0;

  private done: Promise<void> = Promise.resolve();

  private constructor(private readonly messages: ConsumerMessages) {}

  static async start(nc: NatsConnection, clusterName: string): Promise<MarketReplica> {
    await ensureEventStream(await jetstreamManager(nc), clusterName);
    const consumer = await jetstream(nc).consumers.get(eventStreamName(clusterName), {
      filter_subjects: eventSubject(clusterName, MARKET_SHARD),
      deliver_policy: DeliverPolicy.All,
    });
    const replica = new MarketReplica(await consumer.consume());
    replica.done = replica.follow();
    return replica;
  }

  private async follow(): Promise<void> {
    for await (const m of this.messages) this.apply(m.json<EngineEvent>());
  }

  private apply(event: EngineEvent): void {
    const command = marketCommand(event);
    if (command !== null) this.engine.apply(command);
    this.lastSeq = event.seq;
  }

  async stop(): Promise<void> {
    this.messages.stop();
    await this.done;
  }
}
