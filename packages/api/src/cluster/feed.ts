// The price feed of a cluster. Feed processes elect a leader through PostgreSQL (the feed's row in
// the ownership table, held on a lease like a shard); the leader publishes one tick per message
// on JetStream (`<cluster>.ticks` of the stream `<cluster>_ticks`) with the random walk's state,
// each publish expecting the stream's last sequence to be the one it published last, so a leader
// that lost its lease cannot publish after its successor. A new leader reads the last message and
// carries on the same seeded walk from its state: no gap in the sequence, no jump in price.
import { jetstream, jetstreamManager, StorageType, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { GbmFeed, SEED_INSTRUMENTS, type GbmFeedState } from "@trading/engine";
import type { Logger } from "../log.js";
import { FEED_LEADERSHIP, type ShardClaim, type ShardOwnership } from "./ownership.js";

export function tickStreamName(clusterName: string): string {
  return `${clusterName}_ticks`;
}

export function tickSubject(clusterName: string): string {
  return `${clusterName}.ticks`;
}

/** One message of the cluster's feed: a tick and the walk's state after it. */
export interface FeedMessage {
  symbol: string;
  price: number;
  volume: number;
  time: number;
  state: GbmFeedState;
}

export async function ensureTickStream(jsm: JetStreamManager, clusterName: string): Promise<void> {
  const name = tickStreamName(clusterName);
  const exists = await jsm.streams.info(name).then(
    () => true,
    () => false,
  );
  if (!exists) await jsm.streams.add({ name, subjects: [tickSubject(clusterName)], storage: StorageType.File });
}

/** The seeded instruments, walked as a single process's feed walks them. */
export function newWalk(seed: number, tickIntervalMs: number, state?: GbmFeedState): GbmFeed {
  const instruments = SEED_INSTRUMENTS.map((i) => ({
    symbol: i.symbol,
    price: i.price,
    tickSize: i.tickSize,
    volatility: i.volatility,
    typicalVolume: i.typicalVolume,
  }));
  return new GbmFeed({ seed, instruments, tickIntervalMs }, state);
}

export interface FeedLeaderOptions {
  nc: NatsConnection;
  ownership: ShardOwnership;
  clusterName: string;
  leaseMs: number;
  /** Ticks per second per instrument. */
  ticksPerSecond: number;
  seed: number;
  log: Logger;
}

export class FeedLeader {
  private claim: ShardClaim | null = null;
  private walk: GbmFeed | null = null;
  private lastStreamSeq = 0;
  private leaseTimer: NodeJS.Timeout | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private publishing = false;
  private stopped = false;
  private js: JetStreamClient | null = null;
  private jsm: JetStreamManager | null = null;
  readonly owner = `feed-${Math.random().toString(36).slice(2, 10)}`;
  /** Ticks this process published since start. */
  published = 0;

  constructor(private readonly options: FeedLeaderOptions) {}

  get leading(): boolean {
    return this.claim !== null;
  }

  async start(): Promise<void> {
    this.jsm = await jetstreamManager(this.options.nc);
    this.js = jetstream(this.options.nc);
    await ensureTickStream(this.jsm, this.options.clusterName);
    await this.keepLease();
    this.leaseTimer = setInterval(() => void this.keepLease(), Math.max(50, Math.floor(this.options.leaseMs / 3)));
    const instruments = SEED_INSTRUMENTS.length;
    this.tickTimer = setInterval(() => void this.step(), Math.max(1, 1000 / (this.options.ticksPerSecond * instruments)));
  }

  /** Renews the lease held, or tries to take it; a leader that lost it stops publishing. */
  private async keepLease(): Promise<void> {
    if (this.stopped) return;
    const { ownership, leaseMs, log } = this.options;
    try {
      if (this.claim !== null) {
        if (!(await ownership.renew(this.claim, leaseMs))) this.stepDown("lease lost");
        return;
      }
      const claim = await ownership.claim(FEED_LEADERSHIP, this.owner, leaseMs);
      if (claim === null) return;
      await this.resume();
      this.claim = claim;
      log.info("leading the feed", { epoch: claim.epoch, from: this.lastStreamSeq });
    } catch (error) {
      log.error("feed lease failed", { error: String(error) });
    }
  }

  /** Carries on the walk from the last message published, by whichever leader published it. */
  private async resume(): Promise<void> {
    const { clusterName, seed, ticksPerSecond } = this.options;
    const last = await (this.jsm as JetStreamManager).streams
      .getMessage(tickStreamName(clusterName), { last_by_subj: tickSubject(clusterName) })
      .catch(() => null);
    const interval = 1000 / ticksPerSecond;
    this.walk = newWalk(seed, interval, last === null ? undefined : last.json<FeedMessage>().state);
    this.lastStreamSeq = last === null ? 0 : last.seq;
  }

  private async step(): Promise<void> {
    if (this.claim === null || this.walk === null || this.publishing) return;
    this.publishing = true;
    try {
      const tick = this.walk.next(Date.now());
      const message: FeedMessage = {
        symbol: tick.symbol,
        price: tick.price,
        volume: tick.volume,
        time: tick.time,
        state: this.walk.state(),
      };
      const ack = await (this.js as JetStreamClient).publish(tickSubject(this.options.clusterName), JSON.stringify(message), {
        expect: { lastSequence: this.lastStreamSeq },
      });
      this.lastStreamSeq = ack.seq;
      this.published += 1;
    } catch (error) {
      // Another leader published meanwhile (this one's lease ran out), or NATS failed.
      this.stepDown(String(error));
    } finally {
      this.publishing = false;
    }
  }

  private stepDown(why: string): void {
    if (this.claim === null) return;
    this.options.log.warn("no longer leading the feed", { why });
    this.claim = null;
    this.walk = null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.leaseTimer !== null) clearInterval(this.leaseTimer);
    if (this.tickTimer !== null) clearInterval(this.tickTimer);
    const claim = this.claim;
    this.claim = null;
    if (claim !== null) await this.options.ownership.release(claim).catch(() => undefined);
  }
}
