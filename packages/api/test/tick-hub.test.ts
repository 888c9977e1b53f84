import type { EngineEvent } from "@trading/engine";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TickDto } from "../src/procedures/ticks.js";
import { collect, startTestServer, waitFor, type TestServer } from "./harness.js";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.stop();
});

const counter = (name: string) => Number(new RegExp(`^${name} (\\d+)`, "m").exec(t.server.platform.metrics.render())?.[1] ?? 0);

it("sends a socket the ticks of one batch in one write, and says so in its metrics", async () => {
  const counters = () => ({ messages: counter("trading_tick_messages_total"), writes: counter("trading_tick_writes_total") });
  const alice = t.client("alice-key");
  const bob = t.client("bob-key");
  // Alice's two subscriptions share her socket; Bob has a socket of his own.
  const got = [alice, alice, bob].map((client) =>
    collect<{ data: TickDto }>((h) => client.market.onTick.subscribe({ symbols: ["WIPRO"] }, h), 2),
  );
  await waitFor(() => counter("trading_tick_subscriptions") === 3);
  const before = counters();
  await t.client("admin-key").admin.setPrice.mutate({ symbol: "WIPRO", price: 251 });
  const received = await Promise.all(got);
  for (const { unsubscribe } of received) unsubscribe();
  expect(received.map(({ items }) => items[1]?.data.price)).toEqual([251, 251, 251]);
  const after = counters();
  expect({ messages: after.messages - before.messages, writes: after.writes - before.writes }).toEqual({ messages: 3, writes: 2 });
});

it("lets the server turn between batches of ticks, and sends a backlog together, in order", async () => {
  const backlog = 200;
  const alice = t.client("alice-key");
  const got = collect<{ data: TickDto }>((h) => alice.market.onTick.subscribe({ symbols: ["HCLTECH"] }, h), 1 + backlog);
  await waitFor(() => counter("trading_tick_subscriptions") === 1);
  const { marketEvents } = t.server.platform;
  const first = marketEvents.lastSeq + 1;
  const tick = (i: number): EngineEvent => ({
    type: "price.tick",
    seq: first + i,
    time: Date.now(),
    symbol: "HCLTECH",
    price: 150_000 + i * 5,
    volume: 1 + i,
  });
  const writesBefore = counter("trading_tick_writes_total");
  // A backlog arriving as a gateway's copy of the market drains it: one tick after another, each
  // in a microtask of the one before, all in one turn of the event loop. The server must still
  // turn (accept connections, read requests, run timers) before it has sent them all.
  let sentWhenTurned = -1;
  setImmediate(() => {
    sentWhenTurned = counter("trading_tick_messages_total");
  });
  const messagesBefore = counter("trading_tick_messages_total");
  for (let i = 0; i < backlog; i++) {
    marketEvents.bus.publish([tick(i)]);
    await Promise.resolve();
  }
  const { items, unsubscribe } = await got;
  unsubscribe();
  expect(items.slice(1).map((item) => item.data.volume)).toEqual(Array.from({ length: backlog }, (_, i) => 1 + i));
  expect(sentWhenTurned - messagesBefore).toBeLessThan(backlog);
  // The first tick goes out alone; what came while it was sent goes out in one write.
  expect(counter("trading_tick_writes_total") - writesBefore).toBeLessThanOrEqual(3);
});

it("sends the latest prices when more ticks came at once than it queues, and goes on with live ones", async () => {
  const alice = t.client("alice-key");
  const admin = t.client("admin-key");
  const ticks: TickDto[] = [];
  const subscription = alice.market.onTick.subscribe({ symbols: ["TITAN"] }, { onData: (d) => ticks.push(d.data) });
  await waitFor(() => ticks.length === 1);
  const { marketEvents } = t.server.platform;
  const first = marketEvents.lastSeq + 1;
  // More than the bus queues for one subscriber (10,000), all before the hub's next turn.
  for (let i = 0; i <= 10_000; i++) {
    marketEvents.bus.publish([{ type: "price.tick", seq: first + i, time: Date.now(), symbol: "TITAN", price: 300_000, volume: 7 }]);
  }
  // Instead of them: TITAN's latest price (volume 0, as a fresh subscriber's first), then live ticks.
  await waitFor(() => ticks.length === 2);
  await admin.admin.setPrice.mutate({ symbol: "TITAN", price: 3_500 });
  await waitFor(() => ticks.some((tick) => tick.price === 3_500));
  subscription.unsubscribe();
  expect(ticks.slice(1).map(({ volume }) => volume)).toEqual([0, expect.any(Number)]);
  expect(ticks.some(({ volume }) => volume === 7)).toBe(false);
});

it("tells how late ticks reached it: a tick 300 ms old on arrival is counted so, from its first send to its last", async () => {
  const bucket = (name: string, le: string) => counter(`${name}_bucket\\{le="${le}"\\}`);
  const late = () =>
    ["trading_tick_send_start_seconds", "trading_tick_fanout_seconds"].map((name) => ({
      under250ms: bucket(name, "0.25"),
      under1s: bucket(name, "1"),
    }));
  const ticks: TickDto[] = [];
  const subscription = t.client("bob-key").market.onTick.subscribe({ symbols: ["NTPC"] }, { onData: (d) => ticks.push(d.data) });
  await waitFor(() => ticks.length === 1);
  const before = late();
  const { marketEvents, clock } = t.server.platform;
  // As a cluster's gateway gets a tick that the market stream brought late.
  const time = clock.now() - 300;
  marketEvents.bus.publish([{ type: "price.tick", seq: marketEvents.lastSeq + 1, time, symbol: "NTPC", price: 35_000, volume: 3 }]);
  await waitFor(() => ticks.length === 2);
  subscription.unsubscribe();
  const after = late();
  const added = after.map((a, i) => ({
    under250ms: a.under250ms - (before[i]?.under250ms ?? 0),
    under1s: a.under1s - (before[i]?.under1s ?? 0),
  }));
  expect(added).toEqual([
    { under250ms: 0, under1s: 1 },
    { under250ms: 0, under1s: 1 },
  ]);
});
