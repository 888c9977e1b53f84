// `ROLE=engine`: an engine process of a cluster. It owns the shards it can claim (up to
// ENGINE_MAX_SHARDS), serves their commands from NATS, and waits as a standby when it can claim
// none, taking over the shards of an engine that stops renewing its leases. It answers /healthz,
// /readyz (200 while it owns a shard, 503 as a standby) and /metrics. Each shard's committed events
// go out on JetStream (see cluster/events.ts); each shard applies the cluster's feed (cluster/ticks.ts).
import { connect, type Subscription } from "@nats-io/transport-node";
import { serveAccounts } from "../cluster/accounts.js";
import { serveCommands } from "../cluster/commands.js";
import { EventPublisher } from "../cluster/events.js";
import { MarketFollower } from "../cluster/ticks.js";
import { ShardOwnership } from "../cluster/ownership.js";
import { ShardHost } from "../cluster/shard-host.js";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import { Metrics } from "../metrics.js";
import { forgetOldClientOrderIds } from "../forgetting.js";
import { backfillIfEmpty } from "../backfill.js";
import { MARKET_HISTORY_SHARD } from "../cluster/market-stream.js";
import { MarketClock } from "../market-clock.js";
import { serveHealth } from "./health.js";

export interface RunningEngine {
  url: string;
  host: ShardHost;
  close(): Promise<void>;
}

export async function startEngine(config: Config, log: Logger): Promise<RunningEngine> {
  const databaseUrl = config.databaseUrl as string;
  const clock = new MarketClock(config);
  const ownership = new ShardOwnership(databaseUrl, config.clusterName);
  await ownership.ensure(config.shards);
  const nc = await connect({ servers: config.natsUrl, name: `${config.clusterName} engine` });
  const serving = new Map<number, Subscription[]>();
  const forgetting = new Map<number, () => void>();
  const publishers = new ShardServices<EventPublisher>("could not publish the shard's events", log);
  const followers = new ShardServices<MarketFollower>("could not follow the feed", log);
  const host = new ShardHost({
    ownership,
    databaseUrl,
    clusterName: config.clusterName,
    shards: config.shards,
    maxShards: config.engineMaxShards ?? config.shards,
    leaseMs: config.shardLeaseMs,
    log,
    // Orders are stamped on the market's clock, which follows the feed leader's (see MarketClock.follow).
    queue: { snapshotEvery: config.snapshotEvery, now: () => clock.now() },
    onAcquired: (shard, queue, bus, storage) => {
      forgetting.set(
        shard,
        forgetOldClientOrderIds(queue, config.idempotencyMemorySeconds * 1000, log, () => clock.now()),
      );
      serving.set(shard, [
        serveCommands(nc, config.clusterName, shard, queue),
        serveAccounts(
          nc,
          config.clusterName,
          shard,
          () => queue.engine,
          () => host.holds(shard),
        ),
      ]);
      publishers.start(shard, () => EventPublisher.start(nc, config.clusterName, shard, storage.history, bus, log));
      followers.start(shard, () => MarketFollower.start(nc, config.clusterName, shard, queue, log, (time) => clock.follow(time)));
      // The gateways chart the market from shard 0's candles: a new cluster's past goes there.
      if (shard === MARKET_HISTORY_SHARD) {
        backfillIfEmpty(config, storage.history, clock.now(), log).catch((error: unknown) =>
          log.warn("could not store the market's past", { error: String(error) }),
        );
      }
    },
    onReleased: (shard) => {
      forgetting.get(shard)?.();
      forgetting.delete(shard);
      for (const subscription of serving.get(shard) ?? []) subscription.unsubscribe();
      serving.delete(shard);
      publishers.stop(shard);
      followers.stop(shard);
    },
  });
  const metrics = new Metrics();
  const perShard = (read: (shard: number) => number | undefined) =>
    host.shards.flatMap((shard) => {
      const value = read(shard);
      return value === undefined ? [] : [{ labels: { shard: String(shard) }, value }];
    });
  metrics.addGauges(() => ({
    trading_shards_owned: { help: "Shards this engine owns", value: host.shards.length },
    trading_shard_takeovers: { help: "Shards taken over from another engine since start", value: host.takeovers },
    trading_shard_epoch: {
      help: "The epoch of this engine's claim on each shard it owns",
      series: host.claims.map((c) => ({ labels: { shard: String(c.shard) }, value: c.epoch })),
    },
    trading_shard_queue: { help: "Commands waiting for each shard's writer", series: perShard((shard) => host.queue(shard)?.queueLength) },
    trading_shard_tick_lag: {
      help: "Ticks of the feed each shard has yet to apply",
      series: perShard((shard) => followers.running(shard)?.pending),
    },
    trading_shard_events_unpublished: {
      help: "Committed events of each shard not yet on JetStream",
      series: perShard((shard) => {
        const published = publishers.running(shard)?.published;
        const last = host.queue(shard)?.engine.lastSeq;
        return published === undefined || last === undefined ? undefined : last - published;
      }),
    },
  }));

  const health = await serveHealth(config, metrics, () => ({
    ready: host.shards.length > 0,
    role: "engine",
    owner: host.ownerId,
    shards: host.shards,
  }));
  const url = health.url;
  await host.start();
  log.info("listening", { url, role: "engine", owner: host.ownerId, shards: host.shards });

  return {
    url,
    host,
    async close() {
      await host.stop();
      await nc.drain();
      metrics.close();
      await health.close();
      await ownership.close();
      log.info("stopped", {});
    },
  };
}

/**
 * A service each owned shard runs (its event publisher, its market follower), started in the
 * background: stopped when the shard is given up, whether or not it has finished starting, and
 * read by the metrics once it has.
 */
class ShardServices<T extends { stop(): Promise<void> }> {
  private readonly starting = new Map<number, Promise<T | null>>();
  private readonly started = new Map<number, T>();

  constructor(
    private readonly failure: string,
    private readonly log: Logger,
  ) {}

  start(shard: number, begin: () => Promise<T>): void {
    const starting: Promise<T | null> = begin().then(
      (service) => {
        // Given up meanwhile: `stop` stops it through this promise; the metrics never see it.
        if (this.starting.get(shard) === starting) this.started.set(shard, service);
        return service;
      },
      (error: unknown) => {
        this.log.error(this.failure, { shard, error: String(error) });
        return null;
      },
    );
    this.starting.set(shard, starting);
  }

  running(shard: number): T | undefined {
    return this.started.get(shard);
  }

  stop(shard: number): void {
    void this.starting.get(shard)?.then((service) => service?.stop());
    this.starting.delete(shard);
    this.started.delete(shard);
  }
}
