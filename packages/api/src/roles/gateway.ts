// `ROLE=gateway`: an API node of a cluster. It serves everything one process serves (tRPC over
// HTTP and WebSocket, the REST mirror, docs, the web app, /healthz, /readyz, /metrics) over the
// cluster (see cluster/gateway-platform.ts); it holds no state of its own, so any number may run
// behind a load balancer. /readyz is 200 once every shard has an owner and the configured users
// exist; 503 otherwise.
import { connect } from "@nats-io/transport-node";
import pg from "pg";
import { createGatewayPlatform, type GatewayPlatform } from "../cluster/gateway-platform.js";
import { ShardOwnership } from "../cluster/ownership.js";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import { serve, type RunningServer } from "../server.js";
import { ensureConfiguredUsers } from "../users.js";

export async function startGateway(config: Config, log: Logger): Promise<RunningServer<GatewayPlatform>> {
  const ownership = new ShardOwnership(config.databaseUrl as string, config.clusterName);
  await ownership.ensure(config.shards);
  const nc = await connect({ servers: config.natsUrl, name: `${config.clusterName} gateway` });
  const platform = await createGatewayPlatform(config, log, nc, ownership);
  let usersReady = false;
  const ready = platform.ready.bind(platform);
  platform.ready = async () => {
    const readiness = await ready();
    return { ...readiness, ready: readiness.ready && usersReady, users: usersReady ? "ready" : "being created" };
  };
  addGauges(platform);
  const server = await serve(platform, config, log, { role: "gateway", shards: config.shards, marketSeq: platform.replica.lastSeq });
  // The engines may still be starting: keep trying until the configured users have their accounts.
  void (async () => {
    for (let attempt = 0; !usersReady; attempt++) {
      try {
        await ensureUsersOnce(config, platform);
        usersReady = true;
      } catch (error) {
        if (attempt % 10 === 0) log.warn("configured users not ready yet; retrying", { error: String(error) });
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  })();
  return {
    ...server,
    async close() {
      await server.close();
      await nc.drain();
      await ownership.close();
    },
  };
}

/** One gateway at a time makes sure of the configured users (several start together). */
async function ensureUsersOnce(config: Config, platform: GatewayPlatform): Promise<void> {
  const client = new pg.Client({ connectionString: config.databaseUrl });
  client.on("error", () => undefined);
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock(hashtext($1))", [`${config.clusterName}.users`]);
    await platform.keys.load();
    await ensureConfiguredUsers(config, platform.keys, platform.accounts, (template) => platform.submit(template));
  } finally {
    await client.end();
  }
}

function addGauges(platform: GatewayPlatform): void {
  platform.metrics.addGauges(() => ({
    trading_market_seq: { help: "Place in the market stream of the last message this gateway applied", value: platform.replica.lastSeq },
    trading_shard_event_seq: {
      help: "Last event of each shard this gateway has delivered to its subscribers",
      series: platform.shardEvents.map((events, shard) => ({ labels: { shard: String(shard) }, value: events.lastSeq })),
    },
    trading_market_pending: {
      help: "Market stream messages this gateway has yet to apply (its JetStream consumer's lag)",
      value: platform.replica.pending,
    },
    trading_shard_events_pending: {
      help: "Event messages of each shard this gateway has yet to deliver (its JetStream consumer's lag)",
      series: platform.shardEvents.map((events, shard) => ({ labels: { shard: String(shard) }, value: events.pending })),
    },
    trading_event_subscribers: {
      help: "Open event subscriptions",
      value: platform.shardEvents.reduce((n, events) => n + events.bus.size, platform.replica.bus.size),
    },
  }));
}
