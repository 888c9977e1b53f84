// A trading day on a cluster (run when PostgreSQL and NATS are there, which CI makes sure of): the
// feed's leader moves the sessions by the NSE calendar on its simulated clock and every shard follows;
// an order placed in pre-open through a gateway fills at the opening price at 09:08, and the
// market's past is in the history the gateways chart from.
import { afterAll, expect, it } from "vitest";
import { createTradingClient, type TradingClient } from "../dist/client.js";
import type { ServerProcess } from "../dist/spawn.js";
import { clusterEnv, describeWithCluster, dropCluster, startRole, until } from "./cluster-helpers.js";

const SHARDS = 2;

describeWithCluster("a trading day on a cluster", ({ databaseUrl, nats, natsUrl }) => {
  const clusterName = `day_${process.pid}_${Date.now() % 1_000_000}`;
  const processes: ServerProcess[] = [];
  const clients: TradingClient[] = [];
  const env = {
    ...clusterEnv({ databaseUrl, natsUrl, clusterName, shards: SHARDS, leaseMs: 1_000 }),
    MARKET_CALENDAR: "nse",
    // Monday 7 December 2026, fifteen market seconds before pre-open, at a market minute a second.
    MARKET_CLOCK_START: "2026-12-07T08:59:45+05:30",
    MARKET_CLOCK_SPEED: "60",
    HISTORY_DAYS: "2",
    FEED_TICKS_PER_SECOND: "1",
  };

  afterAll(async () => {
    for (const client of clients) client.close();
    for (const p of processes) await p.stop();
    await dropCluster(databaseUrl, nats, clusterName, SHARDS);
  }, 60_000);

  it("fills a pre-open order at the opening price on its shard, with two days of history to chart", async () => {
    // The feed last: its clock starts when it does, so the pre-open does not pass while the others start.
    for (const role of ["engine", "gateway"]) processes.push(await startRole(role, env));
    const gateway = processes[1] as ServerProcess;
    await until(async () => (await fetch(`${gateway.url}/readyz`).catch(() => null))?.status === 200, 15_000);
    processes.push(await startRole("feed", env));
    const alice = createTradingClient({ url: gateway.url, apiKey: "alice-key" });
    clients.push(alice);
    await until(async () => (await alice.market.status.query()).phase === "pre-open", 10_000);
    const order = await alice.orders.place.mutate({ symbol: "INFY", side: "BUY", type: "MARKET", quantity: 3 });
    // The gateway's copy of the market may show pre-open a moment before the user's shard has
    // applied it: then the order is an AMO for this pre-open, and enters it at once. Either way it
    // takes part in the auction.
    expect(order.state).toBe("PLACED");
    expect(["auction", "pre-open"]).toContain(order.waitingFor);
    // Stamped on the market's clock, which the engine keeps with the feed's: Monday's pre-open.
    expect(order.placedAt.slice(0, 16)).toMatch(/^2026-12-07T03:3[0-8]$/);
    await until(async () => (await alice.orders.get.query({ orderId: order.orderId })).state === "EXECUTED", 15_000);
    const infy = await alice.instruments.get.query({ symbol: "INFY" });
    expect((await alice.orders.get.query({ orderId: order.orderId })).averageFillPrice).toBe(infy.open);
    expect((await alice.market.status.query()).phase).toMatch(/^(opening|open)$/);
    await until(async () => (await alice.market.candles.query({ symbol: "INFY", interval: "1d" })).length >= 2, 15_000);
    const days = await alice.market.candles.query({ symbol: "INFY", interval: "1d" });
    expect(days.slice(0, 2).map((d) => d.time)).toEqual(["2026-12-02T18:30:00.000Z", "2026-12-03T18:30:00.000Z"]);
  }, 60_000);
});
