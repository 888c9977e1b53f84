// The intraday square-off on a cluster (run when PostgreSQL and NATS are there, which CI makes sure
// of): the feed's leader publishes it at 15:20 on the market's clock among the market's commands,
// and every shard squares off its own users' positions at that same market time.
import { afterAll, expect, it } from "vitest";
import { createTradingClient, type TradingClient } from "../dist/client.js";
import { shardOf } from "../dist/cluster/shards.js";
import type { ServerProcess } from "../dist/spawn.js";
import { clusterEnv, describeWithCluster, dropCluster, startRole, until } from "./cluster-helpers.js";

const SHARDS = 2;

describeWithCluster("the intraday square-off on a cluster", ({ databaseUrl, nats, natsUrl }) => {
  const clusterName = `sq_${process.pid}_${Date.now() % 1_000_000}`;
  const processes: ServerProcess[] = [];
  const clients: TradingClient[] = [];
  const env = {
    ...clusterEnv({ databaseUrl, natsUrl, clusterName, shards: SHARDS, leaseMs: 1_000 }),
    MARKET_CALENDAR: "nse",
    // Monday 7 December 2026, 15:18:40 IST, a market minute a second.
    MARKET_CLOCK_START: "2026-12-07T15:18:40+05:30",
    MARKET_CLOCK_SPEED: "60",
    FEED_TICKS_PER_SECOND: "1",
  };

  afterAll(async () => {
    for (const client of clients) client.close();
    for (const p of processes) await p.stop();
    await dropCluster(databaseUrl, nats, clusterName, SHARDS);
  }, 60_000);

  it("squares off intraday positions on every shard at 15:20, each with the fee", async () => {
    // Alice and Bob live on different shards.
    expect(new Set([shardOf("alice", SHARDS), shardOf("bob", SHARDS)]).size).toBe(2);
    for (const role of ["engine", "gateway", "feed"]) processes.push(await startRole(role, env));
    const gateway = processes[1] as ServerProcess;
    await until(async () => (await fetch(`${gateway.url}/readyz`).catch(() => null))?.status === 200, 15_000);
    const [alice, bob] = ["alice-key", "bob-key"].map((apiKey) => createTradingClient({ url: gateway.url, apiKey })) as [
      TradingClient,
      TradingClient,
    ];
    clients.push(alice, bob);
    await until(async () => (await alice.market.status.query()).phase === "open", 10_000);
    await alice.orders.place.mutate({ symbol: "INFY", side: "BUY", type: "MARKET", quantity: 5, product: "MIS" });
    await bob.orders.place.mutate({ symbol: "TCS", side: "SELL", type: "MARKET", quantity: 2, product: "MIS" });
    for (const client of [alice, bob]) {
      await until(async () => (await client.funds.get.query()).marginUsed === 0, 15_000);
      const closing = (await client.trades.list.query({})).items.filter((t) => t.squareOff);
      expect(closing).toHaveLength(1);
      // At 15:20 on the market's clock (09:50 UTC), on both shards alike.
      expect(closing[0]?.time.slice(0, 16)).toBe("2026-12-07T09:50");
      const note = await client.contractNotes.get.query({ date: "2026-12-07" });
      expect(note.totals?.squareOff).toBe(50);
    }
  }, 60_000);
});
