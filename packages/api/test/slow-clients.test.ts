// A client that stops reading (a stalled tab, a frozen process) while a busy feed goes on: the
// server stops holding its messages once they pass MAX_WS_BUFFERED_BYTES, cuts it off, and the
// other subscribers go on receiving ticks meanwhile.
import { afterAll, beforeAll, expect, it } from "vitest";
import WebSocket from "ws";
import type { TickDto } from "../src/procedures/ticks.js";
import { startTestServer, waitFor, type TestServer } from "./harness.js";

const MAX_BUFFERED = 64 * 1024;
let t: TestServer;

beforeAll(async () => {
  // 20 instruments × 50 ticks a second; the stalled client asks for all of them 20 times over.
  t = await startTestServer({ feedTicksPerSecond: 50, maxWsBufferedBytes: MAX_BUFFERED });
});
afterAll(async () => {
  await t.stop();
});

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${t.server.url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\d+)`, "m").exec(text)?.[1] ?? 0);
}

it("cuts off a client that stopped reading, and the others go on receiving ticks", async () => {
  const alice = t.client("alice-key");
  const ticks: TickDto[] = [];
  const healthy = alice.market.onTick.subscribe({ symbols: ["INFY"] }, { onData: (d) => ticks.push(d.data) });
  await waitFor(() => ticks.length > 0);

  const stalled = new WebSocket(`${t.server.url.replace("http", "ws")}/trpc?connectionParams=1`);
  const started: unknown[] = [];
  stalled.on("message", (data: Buffer) => {
    if (data.toString().includes('"started"')) started.push(data);
  });
  await new Promise((resolve) => stalled.once("open", resolve));
  stalled.send(JSON.stringify({ method: "connectionParams", data: { apiKey: "bob-key" } }));
  for (let id = 1; id <= 20; id++) stalled.send(JSON.stringify({ id, method: "subscription", params: { path: "market.onTick" } }));
  await waitFor(() => started.length === 20);
  const clients = await metric("trading_websocket_clients");
  stalled.pause();

  // Far more than the limit is sent its way within a second or two; the server lets it go.
  await waitFor(async () => (await metric("trading_websocket_slow_closed_total")) === 1, 15_000);
  await waitFor(async () => (await metric("trading_websocket_clients")) === clients - 1, 5_000);
  // Alice's ticks kept coming while the stalled socket was being sent to, and after.
  const before = ticks.length;
  await waitFor(() => ticks.length >= before + 5, 5_000);
  healthy.unsubscribe();
  // How late ticks left this server is measured for operators.
  expect(await metric("trading_tick_fanout_seconds_count")).toBeGreaterThan(0);

  // Reading again, the stalled client finds its connection gone.
  const closed = new Promise<number>((resolve) => stalled.once("close", resolve));
  stalled.resume();
  expect(await closed).not.toBe(1000);
}, 30_000);
