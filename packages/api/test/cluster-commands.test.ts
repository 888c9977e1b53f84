// Commands from a gateway to the engines that own its users' shards, over the machine's NATS and
// PostgreSQL (run when both are there, which CI makes sure of): every command reaches its shard's
// owner, and while a standby takes over from a frozen engine the gateway keeps sending until the
// new owner answers; nothing acknowledged is lost or applied twice.
import { connect, type NatsConnection, type Subscription } from "@nats-io/transport-node";
import { Engine, SEED_INSTRUMENTS } from "@trading/engine";
import pg from "pg";
import { describeWithCluster } from "./cluster-helpers.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { remoteAccounts, serveAccounts } from "../src/cluster/accounts.js";
import { serveCommands, ShardRouter } from "../src/cluster/commands.js";
import { routeCommand } from "../src/cluster/gateway-platform.js";
import type { History } from "../src/storage/storage.js";
import { ShardOwnership } from "../src/cluster/ownership.js";
import { ShardHost } from "../src/cluster/shard-host.js";
import { shardSchema } from "../src/cluster/shards.js";
import { createLogger } from "../src/log.js";

const SHARDS = 4;
const LEASE_MS = 600;

describeWithCluster("commands between gateways and engines", ({ databaseUrl, nats, natsUrl }) => {
  const clusterName = `cmd_${process.pid}_${Date.now()}`;
  const ownership = new ShardOwnership(databaseUrl, clusterName);
  const hosts: ShardHost[] = [];
  const connections: NatsConnection[] = [nats];

  /** An engine process: a ShardHost serving its shards' commands on a NATS connection of its own. */
  async function engine(): Promise<ShardHost> {
    const nc = await connect({ servers: natsUrl });
    connections.push(nc);
    const serving = new Map<number, Subscription[]>();
    const host = new ShardHost({
      ownership,
      databaseUrl: databaseUrl,
      clusterName,
      shards: SHARDS,
      maxShards: SHARDS,
      leaseMs: LEASE_MS,
      log: createLogger("silent"),
      queue: { snapshotEvery: 1_000 },
      onAcquired: (shard, queue) =>
        serving.set(shard, [
          serveCommands(nc, clusterName, shard, queue),
          serveAccounts(
            nc,
            clusterName,
            shard,
            () => queue.engine,
            () => host.holds(shard),
          ),
        ]),
      onReleased: (shard) => {
        for (const subscription of serving.get(shard) ?? []) subscription.unsubscribe();
      },
    });
    hosts.push(host);
    await host.start();
    return host;
  }

  beforeAll(async () => {
    await ownership.ensure(SHARDS);
  });
  afterAll(async () => {
    for (const host of hosts) await host.stop();
    for (const nc of connections) await nc.close();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    for (let shard = 0; shard < SHARDS; shard++) await client.query(`DROP SCHEMA IF EXISTS ${shardSchema(clusterName, shard)} CASCADE`);
    await client.end();
    await ownership.dropSchema();
    await ownership.close();
  });

  it("routes each user's commands to its shard, and keeps going through a takeover", async () => {
    const a = await engine();
    const b = await engine();
    expect([a.shards, b.shards]).toEqual([[0, 1, 2, 3], []]);
    const router = new ShardRouter(nats, { clusterName, shards: SHARDS, requestTimeoutMs: 5_000, deadlineMs: 15_000 });
    const seed = SEED_INSTRUMENTS.find((i) => i.symbol === "INFY");
    if (seed === undefined) throw new Error("INFY is not a seeded instrument");
    const { volatility: _v, typicalVolume: _t, ...infy } = seed;
    expect((await router.broadcast({ kind: "addInstrument", instrument: infy })).map((r) => r.ok)).toEqual([true, true, true, true]);

    const users = Array.from({ length: 24 }, (_, i) => `trader${i}`);
    for (const userId of users) expect((await router.submit(userId, { kind: "openAccount", userId, cash: 1_00_000_00 })).ok).toBe(true);
    const buy = (userId: string) =>
      router.submit(userId, {
        kind: "placeOrder",
        userId,
        order: { symbol: "INFY", side: "BUY", type: "MARKET", quantity: 1, validity: "DAY", clientOrderId: `${userId}-${Math.random()}` },
      });
    const placed = new Map<string, string[]>();
    const record = async (userId: string) => {
      const result = await buy(userId);
      expect(result.ok).toBe(true);
      placed.set(userId, [...(placed.get(userId) ?? []), result.order?.orderId as string]);
    };
    for (const userId of users) await record(userId);

    // A stops renewing its leases but still answers on NATS, as an engine that froze and woke
    // would: once B has claimed the shards, A's writes are fenced and it answers "not owner", so
    // the gateway sends again until B answers.
    a.freeze();
    const started = performance.now();
    while (b.shards.length < SHARDS) {
      if (performance.now() - started > LEASE_MS * 5) throw new Error("B did not take the shards over");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await Promise.all(users.map((userId) => record(userId)));
    expect(b.shards).toEqual([0, 1, 2, 3]);

    for (const userId of users) {
      const orders = b.queue(router.shardOf(userId))?.engine.orders(userId) ?? [];
      // Every acknowledged order filled at once (a MARKET order), each exactly once: the shares
      // held are the orders acknowledged, whichever engine answered.
      expect(orders).toEqual([]);
      expect(new Set(placed.get(userId)).size).toBe(2);
      expect(b.queue(router.shardOf(userId))?.engine.holdings(userId)[0]?.quantity).toBe(2);
    }
    // Order ids (and trade ids) are each shard's own share of the numbers: unique in the cluster.
    const ids = [...placed.values()].flat();
    expect(new Set(ids).size).toBe(ids.length);
    // A gateway reads each user's account from the engine that owns its shard.
    const accounts = remoteAccounts(nats, { clusterName, shards: SHARDS, requestTimeoutMs: 2_000, deadlineMs: 5_000 });
    for (const userId of users.slice(0, 6)) {
      const owner = b.queue(router.shardOf(userId))?.engine;
      expect(await accounts.funds(userId)).toEqual(owner?.funds(userId));
      expect(await accounts.holdings(userId)).toEqual(owner?.holdings(userId));
      expect(await accounts.openOrders(userId)).toEqual([]);
    }
    expect(await accounts.funds("nobody")).toBeUndefined();
    await a.thaw();
    expect(a.shards).toEqual([]);
  });

  it("gives a placement a key, sends it again with that key after a timeout, then asks the shard's history", async () => {
    const fake = `${clusterName}_fake`;
    const received: Array<{ order: { clientOrderId?: string } }> = [];
    let answer: "never" | "second" = "second";
    // An engine that misses the first request (its answer lost) and answers the next.
    const engineSide = nats.subscribe(`${fake}.cmd.0`, {
      callback: (_, msg) => {
        received.push(msg.json());
        if (answer === "second" && received.length === 2) msg.respond(JSON.stringify({ result: { ok: true, events: [] } }));
      },
    });
    const router = new ShardRouter(nats, { clusterName: fake, shards: 1, requestTimeoutMs: 200, deadlineMs: 1_000 });
    const order = { symbol: "INFY", side: "BUY", type: "MARKET", quantity: 1, validity: "DAY" } as const;
    const none = { orderByClientId: async () => null } as unknown as History;
    expect(await routeCommand(router, { kind: "placeOrder", userId: "u1", order }, () => none)).toEqual({ ok: true, events: [] });
    expect(received).toHaveLength(2);
    const key = received[0]?.order.clientOrderId;
    expect(key).toMatch(/^gw-/);
    expect(received[1]?.order.clientOrderId).toBe(key);

    // Neither answers: the order is in the shard's history, so that is the answer; without it, a 503.
    answer = "never";
    const engine = new Engine();
    const {
      volatility: _v,
      typicalVolume: _t,
      ...infy
    } = SEED_INSTRUMENTS.find((i) => i.symbol === "INFY") as (typeof SEED_INSTRUMENTS)[number];
    engine.apply({ kind: "addInstrument", time: 1, instrument: infy });
    engine.apply({ kind: "openAccount", time: 1, userId: "u1", cash: 1e9 });
    engine.apply({ kind: "placeOrder", time: 2, userId: "u1", orderId: "O7", order: { ...order, clientOrderId: "mine" } });
    const stored = { orderByClientId: async () => engine.orders("u1")[0] } as unknown as History;
    const keyed = { kind: "placeOrder", userId: "u1", order: { ...order, clientOrderId: "mine" } } as const;
    expect(await routeCommand(router, keyed, () => stored)).toMatchObject({ ok: true, order: { orderId: "O7" } });
    await expect(routeCommand(router, keyed, () => none)).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    engineSide.unsubscribe();
  });
});
