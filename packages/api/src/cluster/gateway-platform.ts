// A cluster gateway's platform: the same interface the procedures use in one process, over the
// cluster. A user's commands and account reads go to the engine that owns the user's shard (NATS
// request and reply), their history is read from the shard's schema, their live events come from
// the shard's event stream; the market is a local copy of the market stream, changed through the
// feed's leader; users, keys and the audit log are the cluster's directory; rate limits are shared.
import { randomBytes } from "node:crypto";
import type { NatsConnection } from "@nats-io/transport-node";
import { repeatPlacement, type CommandResult } from "@trading/engine";
import pg from "pg";
import { KeyRing } from "../auth.js";
import type { CommandTemplate } from "../command-queue.js";
import type { Config } from "../config.js";
import { unavailable } from "../errors.js";
import type { Logger } from "../log.js";
import { MarketClock } from "../market-clock.js";
import { Metrics } from "../metrics.js";
import type { EventSource, MarketControl, Platform } from "../platform.js";
import { ReplayTurns } from "../replay.js";
import { MARKET_HISTORY_SHARD } from "./market-stream.js";
import { PostgresHistory } from "../storage/postgres-history.js";
import { sessionSettings } from "../storage/postgres-pool.js";
import { PostgresStorage } from "../storage/postgres.js";
import type { History } from "../storage/storage.js";
import { remoteAccounts } from "./accounts.js";
import { ShardRouter, ShardUnavailableError } from "./commands.js";
import { feedControl, FeedUnavailableError } from "./feed-control.js";
import { MarketReplica } from "./market.js";
import type { ShardOwnership } from "./ownership.js";
import { SharedRateLimiter } from "./rate-limits.js";
import { ShardEvents } from "./shard-events.js";
import { shardOf, shardSchema } from "./shards.js";

/** How long a gateway waits for an engine's answer to one request (a durable batch). */
const REQUEST_TIMEOUT_MS = 5_000;
/** How long a command may keep looking for its shard's owner (a takeover takes a lease and a journal read). */
const ROUTE_DEADLINE_MS = 15_000;

export interface GatewayPlatform extends Platform {
  replica: MarketReplica;
  shardEvents: ShardEvents[];
}

export async function createGatewayPlatform(
  config: Config,
  log: Logger,
  nc: NatsConnection,
  ownership: ShardOwnership,
): Promise<GatewayPlatform> {
  const databaseUrl = config.databaseUrl as string;
  const { clusterName, shards } = config;
  const directoryStore = new PostgresStorage(databaseUrl, `${clusterName}_directory`);
  await directoryStore.init();
  const directoryChanged = `${clusterName}.directory.changed`;
  const keys = new KeyRing(
    directoryStore.directory,
    () => nc.publish(directoryChanged),
    (userId) => shardOf(userId, shards),
  );
  await keys.load();
  // Another gateway added a user or a key, or revoked one.
  const directoryWatch = nc.subscribe(directoryChanged, {
    callback: () => void keys.load().catch((error: unknown) => log.warn("could not reload the directory", { error: String(error) })),
  });

  const histories = Array.from({ length: shards }, (_, shard) => shardHistory(databaseUrl, shardSchema(clusterName, shard)));
  const router = new ShardRouter(nc, { clusterName, shards, requestTimeoutMs: REQUEST_TIMEOUT_MS, deadlineMs: ROUTE_DEADLINE_MS });
  const replica = await MarketReplica.start(nc, clusterName);
  // The replay window is the whole gateway's: each shard keeps its share.
  const replayWindow = Math.max(100, Math.ceil(config.replayWindow / shards));
  const shardEvents = await Promise.all(
    histories.map((h, shard) => ShardEvents.start(nc, { clusterName, shard, history: h.history, replayWindow, log })),
  );
  const limiter = new SharedRateLimiter(databaseUrl, clusterName, config.rateLimitPerSecond, config.rateLimitBurst);
  const metrics = new Metrics();
  const accounts = remoteAccounts(nc, { clusterName, shards, requestTimeoutMs: REQUEST_TIMEOUT_MS, deadlineMs: ROUTE_DEADLINE_MS });
  const marketEvents: EventSource = {
    bus: replica.bus,
    get lastSeq() {
      return replica.lastSeq;
    },
    reached: (seq, timeoutMs) => replica.progress.within(seq, timeoutMs),
  };
  const eventsOf = (userId: string): EventSource => shardEvents[router.shardOf(userId)] as ShardEvents;

  return {
    config,
    log,
    directory: directoryStore.directory,
    engine: replica.engine,
    accounts,
    historyOf: (userId) => (histories[router.shardOf(userId)] as { history: History }).history,
    // Every shard applies the same market: shard 0's candles are everyone's.
    marketHistory: (histories[MARKET_HISTORY_SHARD] as { history: History }).history,
    eventsOf,
    marketEvents,
    market: clusterMarket(nc, clusterName, replica),
    clock: new MarketClock(config),
    keys,
    limiter,
    replays: new ReplayTurns(),
    metrics,
    replica,
    shardEvents,
    submit: (template) => routeCommand(router, template, (userId) => (histories[router.shardOf(userId)] as { history: History }).history),
    async ready() {
      const owners = await ownership.owners().catch(() => null);
      const unowned = owners?.filter((o) => o.owner === null || (o.leaseLeftMs ?? -1) < 0).map((o) => o.shard) ?? null;
      const ready = !nc.isClosed() && unowned !== null && unowned.length === 0;
      return { ready, role: "gateway", unownedShards: unowned, marketSeq: replica.lastSeq };
    },
    start: () => undefined,
    async close() {
      directoryWatch.unsubscribe();
      await replica.stop();
      for (const events of shardEvents) await events.stop();
      metrics.close();
      await limiter.close();
      for (const h of histories) await h.pool.end();
      await directoryStore.close();
    },
  };
}

/** A shard's history, read through a small pool of its own (a gateway reads 16 schemas; connections are few). */
function shardHistory(databaseUrl: string, schema: string): { history: History; pool: pg.Pool } {
  const pool = new pg.Pool({ ...sessionSettings(databaseUrl, schema), max: 2, idleTimeoutMillis: 5_000 });
  pool.on("error", () => undefined);
  return { history: new PostgresHistory(pool), pool };
}

/**
 * A user's command on the user's shard. Every placement carries a key: the client's clientOrderId,
 * or one the gateway gives it (as Alpaca does), so that sending it again after a timeout cannot
 * place a second order: the engine answers a repeated key with the order it placed the first time.
 * When the engine still does not answer, the shard's history does if the order is there.
 */
export async function routeCommand(
  router: ShardRouter,
  template: CommandTemplate,
  historyOf: (userId: string) => History,
): Promise<CommandResult> {
  if (!("userId" in template)) throw new Error(`${template.kind} concerns the whole market: it goes to the feed's leader`);
  const keyed =
    template.kind === "placeOrder" && template.order.clientOrderId === undefined
      ? { ...template, order: { ...template.order, clientOrderId: `gw-${randomBytes(12).toString("base64url")}` } }
      : template;
  try {
    return await router.submit(template.userId, keyed);
  } catch (error) {
    if (!(error instanceof ShardUnavailableError)) throw error;
    // Timed out: the engine may have applied it. Asking again with the same key is safe only for a placement.
    if (error.mayHaveApplied && keyed.kind === "placeOrder") {
      const again = await router.submit(template.userId, keyed).catch(() => null);
      if (again !== null) return again;
      const stored = await historyOf(keyed.userId)
        .orderByClientId(keyed.userId, keyed.order.clientOrderId as string)
        .catch(() => null);
      if (stored !== null) return repeatPlacement(stored, keyed.order);
    }
    throw unavailable(
      error.mayHaveApplied
        ? `shard ${error.shard} did not answer in time; the command may have been applied: check before sending it again (a placement is safe to repeat with the same clientOrderId)`
        : `shard ${error.shard} has no engine right now; nothing was applied: retry shortly`,
    );
  }
}

/** Market changes go to the feed's leader; each is settled once this gateway's copy shows it. */
function clusterMarket(nc: NatsConnection, clusterName: string, replica: MarketReplica): MarketControl {
  const control = feedControl(nc, { clusterName, requestTimeoutMs: REQUEST_TIMEOUT_MS, deadlineMs: ROUTE_DEADLINE_MS });
  const send = async (request: Parameters<typeof control>[0]) => {
    const answer = await control(request).catch((error: unknown) => {
      throw error instanceof FeedUnavailableError ? unavailable(error.message) : error;
    });
    if (answer.ok && !(await replica.progress.within(answer.feedSeq, REQUEST_TIMEOUT_MS)))
      throw unavailable("the market change was published but has not reached this server yet; it will shortly");
    return answer;
  };
  return {
    async apply(command) {
      const answer = await send({ op: "command", command });
      return answer.ok ? { ok: true } : answer;
    },
    async setPaused(paused) {
      const answer = await send({ op: paused ? "pause" : "resume" });
      return answer.ok ? answer.running : !paused;
    },
  };
}
