// `ROLE=feed`: a price feed process of a cluster. Run two: one leads and publishes the ticks,
// the other waits and takes over when the leader's lease runs out (see cluster/feed.ts). It answers
// /healthz, /readyz (200 while leading, 503 while waiting) and /metrics.
import { connect } from "@nats-io/transport-node";
import { FeedLeader } from "../cluster/feed.js";
import { ShardOwnership } from "../cluster/ownership.js";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import { chargeRatesOf } from "../charges.js";
import { squareOffMinute } from "../sessions.js";
import { MarketClock } from "../market-clock.js";
import { Metrics } from "../metrics.js";
import { serveHealth } from "./health.js";

export interface RunningFeed {
  url: string;
  leader: FeedLeader;
  close(): Promise<void>;
}

export async function startFeed(config: Config, log: Logger): Promise<RunningFeed> {
  const clock = new MarketClock(config);
  const ownership = new ShardOwnership(config.databaseUrl as string, config.clusterName);
  await ownership.ensure(config.shards);
  const nc = await connect({ servers: config.natsUrl, name: `${config.clusterName} feed` });
  const leader = new FeedLeader({
    nc,
    ownership,
    clusterName: config.clusterName,
    leaseMs: config.shardLeaseMs,
    ticksPerSecond: config.feedTicksPerSecond,
    seed: config.feedSeed,
    log,
    calendar: config.marketCalendar,
    now: () => clock.now(),
    chargeRates: chargeRatesOf(config),
    squareOffMinute: squareOffMinute(config),
  });
  const metrics = new Metrics();
  metrics.addGauges(() => ({
    trading_feed_leading: { help: "1 while this feed process leads", value: leader.leading ? 1 : 0 },
    trading_feed_ticks_published: { help: "Ticks this process published since start", value: leader.published },
  }));
  const health = await serveHealth(config, metrics, () => ({ ready: leader.leading, role: "feed", owner: leader.owner }));
  const url = health.url;
  await leader.start();
  log.info("listening", { url, role: "feed", owner: leader.owner, leading: leader.leading });
  return {
    url,
    leader,
    async close() {
      await leader.stop();
      await nc.drain();
      metrics.close();
      await health.close();
      await ownership.close();
      log.info("stopped", {});
    },
  };
}
