import net from "node:net";
import type { EngineEvent } from "@trading/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { OrderUpdateDto } from "../src/procedures/order-updates.js";
import type { TickDto } from "../src/procedures/ticks.js";
import { CLOSE_KEY_REVOKED } from "../src/server.js";
import { collect, startTestServer, waitFor, type TestServer } from "./harness.js";

let t: TestServer;

/** Sends a raw HTTP request head (no body) and answers the status line that comes back. */
async function statusLine(head: string): Promise<string> {
  const { hostname, port } = new URL(t.server.url);
  return new Promise<string>((resolve, reject) => {
    let text = "";
    const socket = net.connect(Number(port), hostname, () => socket.write(`${head}\r\n\r\n`));
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes("\r\n")) socket.destroy();
    });
    socket.on("close", () => resolve(text.split("\r\n")[0] ?? ""));
    socket.on("error", reject);
  });
}

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.stop();
});

describe("subscriptions", () => {
  it("streams ticks: the current quote first, then live ticks with their ids", async () => {
    const alice = t.client("alice-key");
    const admin = t.client("admin-key");
    let first = false;
    const got = collect<{ id: string; data: TickDto }>(
      (h) =>
        alice.market.onTick.subscribe(
          { symbols: ["ITC"] },
          {
            onData: (d) => {
              first = true;
              h.onData(d);
            },
            onError: h.onError,
          },
        ),
      3,
    );
    // Live once the current quote has come.
    await waitFor(() => first);
    await admin.admin.setPrice.mutate({ symbol: "ITC", price: 410 });
    await admin.admin.setPrice.mutate({ symbol: "TCS", price: 3100 }); // another symbol: filtered out
    await admin.admin.setPrice.mutate({ symbol: "ITC", price: 411.05 });
    const { items, unsubscribe } = await got;
    unsubscribe();
    expect(items.map((i) => i.data.symbol)).toEqual(["ITC", "ITC", "ITC"]);
    expect(items.slice(1).map((i) => i.data.price)).toEqual([410, 411.05]);
    expect(Number(items[2]?.id)).toBeGreaterThan(Number(items[1]?.id));
  });

  it("holds a connection to its cap of tick subscriptions, frees one on stop, and splits a batch with other subscriptions", async () => {
    const socket = new WebSocket(`${t.server.url.replace("http", "ws")}/trpc?connectionParams=1`);
    const messages: Array<{ id: number | null; result?: { type: string }; error?: { data?: { code?: string } } }> = [];
    socket.on("message", (data: Buffer) => messages.push(JSON.parse(data.toString()) as (typeof messages)[number]));
    await new Promise((resolve) => socket.once("open", resolve));
    socket.send(JSON.stringify({ method: "connectionParams", data: { apiKey: "alice-key" } }));
    const tick = (id: number) => ({ id, method: "subscription", params: { path: "market.onTick", input: { symbols: ["ITC"] } } });
    const answered = (id: number, type: string) =>
      messages.some((m) => m.id === id && (m.result?.type === type || (type === "error" && m.error !== undefined)));
    // One frame holding a tick subscription and an order-update one: each is answered.
    socket.send(JSON.stringify([tick(1), { id: 2, method: "subscription", params: { path: "orders.onUpdate" } }]));
    await waitFor(() => answered(1, "started") && answered(2, "started"));
    for (let id = 3; id <= 20; id++) socket.send(JSON.stringify(tick(id)));
    await waitFor(() => answered(20, "started"));
    socket.send(JSON.stringify(tick(21)));
    await waitFor(() => answered(21, "error"));
    expect(JSON.stringify(messages.filter((m) => m.id === 21))).toContain("TOO_MANY_REQUESTS");
    socket.send(JSON.stringify({ id: 1, method: "subscription.stop" }));
    await waitFor(() => answered(1, "stopped"));
    socket.send(JSON.stringify(tick(22)));
    await waitFor(() => answered(22, "started"));
    socket.close();
    // Gone from the server too, before the next test looks for alice's subscriptions.
    await waitFor(() => !listening(t, "alice"));
  });

  it("shows each user only their own order updates", async () => {
    const alice = t.client("alice-key");
    const bob = t.client("bob-key");
    const seenByBob: OrderUpdateDto[] = [];
    const bobSub = bob.orders.onUpdate.subscribe(undefined, { onData: (d) => seenByBob.push(d.data) });
    const aliceGot = collect<{ data: OrderUpdateDto }>((h) => alice.orders.onUpdate.subscribe(undefined, h), 2);
    await waitFor(() => listening(t, "alice") && listening(t, "bob"));
    const order = await alice.orders.place.mutate({ symbol: "SBIN", side: "BUY", type: "MARKET", quantity: 1 });
    const { items, unsubscribe } = await aliceGot;
    unsubscribe();
    expect(items.map((i) => i.data.type)).toEqual(["accepted", "filled"]);
    expect(items[1]?.data).toMatchObject({ order: { orderId: order.orderId, state: "EXECUTED" }, trade: { quantity: 1 } });
    await new Promise((r) => setTimeout(r, 100));
    bobSub.unsubscribe();
    expect(seenByBob.filter((u) => u.order.userId !== "bob")).toEqual([]);
    expect(seenByBob.some((u) => u.order.orderId === order.orderId)).toBe(false);
  });

  it("resumes from the last event id with every missed event and none twice", async () => {
    const alice = t.client("alice-key");
    const received: Array<{ id: string; data: OrderUpdateDto }> = [];
    const sub = alice.orders.onUpdate.subscribe(undefined, { onData: (d) => received.push(d) });
    await waitFor(() => listening(t, "alice"));
    await alice.orders.place.mutate({ symbol: "NTPC", side: "BUY", type: "LIMIT", quantity: 1, price: 310 });
    await waitFor(() => received.some((r) => r.data.type === "accepted"));
    sub.unsubscribe();
    const lastId = (received[received.length - 1] as { id: string }).id;
    // While disconnected: three more updates.
    const missed = await alice.orders.place.mutate({ symbol: "NTPC", side: "BUY", type: "LIMIT", quantity: 2, price: 311 });
    await alice.orders.modify.mutate({ orderId: missed.orderId, price: 312 });
    await alice.orders.cancel.mutate({ orderId: missed.orderId });
    const resumed = await collect<{ id: string; data: OrderUpdateDto }>(
      (h) => alice.orders.onUpdate.subscribe({ lastEventId: lastId }, h),
      3,
    );
    resumed.unsubscribe();
    expect(resumed.items.map((r) => r.data.type)).toEqual(["accepted", "modified", "cancelled"]);
    expect(resumed.items.every((r) => r.data.order.orderId === missed.orderId)).toBe(true);
    expect(new Set(resumed.items.map((r) => r.id)).size).toBe(3);
  }, 15_000);

  it("keeps order updates gap-free across a dropped socket, and ticks at the latest price: the client reconnects and resumes", async () => {
    const alice = t.client("alice-key");
    const admin = t.client("admin-key");
    const ticks: TickDto[] = [];
    const updates: Array<{ id: string; data: OrderUpdateDto }> = [];
    const tickSub = alice.market.onTick.subscribe({ symbols: ["LT"] }, { onData: (d) => ticks.push(d.data) });
    const orderSub = alice.orders.onUpdate.subscribe(undefined, { onData: (d) => updates.push(d) });
    await waitFor(() => ticks.length >= 1 && listening(t, "alice"));
    const placed: string[] = [];
    const prices = [3900, 3901, 3902, 3903, 3904, 3905, 3906, 3907];
    for (const [i, price] of prices.entries()) {
      await admin.admin.setPrice.mutate({ symbol: "LT", price });
      placed.push((await alice.orders.place.mutate({ symbol: "LT", side: "BUY", type: "LIMIT", quantity: 1, price: 3600 + i })).orderId);
      // Drop every socket from the server side mid-stream.
      if (i === 3) await dropSockets(t);
    }
    await waitFor(() => placed.every((id) => updates.some((u) => u.data.type === "accepted" && u.data.order.orderId === id)), 10_000);
    await waitFor(() => ticks[ticks.length - 1]?.price === 3907, 10_000);
    tickSub.unsubscribe();
    orderSub.unsubscribe();
    // Every order update once, in order.
    const accepted = updates.filter((u) => u.data.type === "accepted").map((u) => u.data.order.orderId);
    expect(accepted.filter((id) => placed.includes(id))).toEqual(placed);
    expect(new Set(updates.map((u) => u.id)).size).toBe(updates.length);
    // Ticks in order, none twice; those missed while away are conflated into the latest price.
    const seqs = ticks.map((tick) => tick.seq);
    expect([...new Set(seqs)].sort((a, b) => a - b)).toEqual(seqs);
  }, 20_000);

  it("answers a resume point it no longer keeps with an error to subscribe afresh, and refuses ids it never issued", async () => {
    const small = await startTestServer({ replayWindow: 3 });
    const alice = small.client("alice-key");
    const failure = (input: { lastEventId: string }) =>
      new Promise<{ code?: string; message: string }>((resolve) => {
        const sub = alice.orders.onUpdate.subscribe(input, {
          onData: () => undefined,
          onError: (error) => {
            sub.unsubscribe();
            resolve({ code: (error as { data?: { code?: string } }).data?.code, message: error.message });
          },
        });
      });
    // It keeps the last three order events: four orders push the first one out.
    for (let i = 0; i < 4; i++) await alice.orders.place.mutate({ symbol: "ITC", side: "BUY", type: "LIMIT", quantity: 1, price: 370 });
    const tooOld = await failure({ lastEventId: "0" });
    expect(tooOld).toMatchObject({ code: "PRECONDITION_FAILED" });
    expect(tooOld.message).toContain("subscribe afresh");
    const lastSeq = small.server.platform.engine.lastSeq;
    for (const lastEventId of ["", "0x10", "1e3", "-1", " 5", String(lastSeq + 1_000_000), "99999999999999999999"]) {
      const refused = await failure({ lastEventId });
      expect({ lastEventId, code: refused.code }).toEqual({ lastEventId, code: "BAD_REQUEST" });
    }
    // Within what it keeps, a resume replays what was missed.
    const order = await alice.orders.place.mutate({ symbol: "ITC", side: "BUY", type: "LIMIT", quantity: 1, price: 370 });
    const resumed = await collect<{ data: OrderUpdateDto }>((h) => alice.orders.onUpdate.subscribe({ lastEventId: String(lastSeq) }, h), 1);
    resumed.unsubscribe();
    expect(resumed.items[0]?.data).toMatchObject({ type: "accepted", order: { orderId: order.orderId } });
    await small.stop();
  });
});

/** True once a live subscription would receive an order event of this user. */
function listening(server: TestServer, userId: string): boolean {
  const probe = { seq: 0, time: 0, type: "order.accepted", order: { userId } } as unknown as EngineEvent;
  return server.server.platform.bus.countInterested(probe) > 0;
}

async function dropSockets(server: TestServer): Promise<void> {
  const sockets = server.server.sockets();
  for (const socket of sockets) socket.terminate();
  await waitFor(() => server.server.sockets().every((s) => s.readyState === WebSocket.CLOSED));
}

describe("connection safety", () => {
  it("closes a connection whose headers do not arrive within 10 s", async () => {
    const { hostname, port } = new URL(t.server.url);
    const socket = net.connect(Number(port), hostname);
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    const started = Date.now();
    let answer = "";
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
    socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n");
    await new Promise<void>((resolve) => socket.once("close", () => resolve()));
    expect(answer.split("\r\n")[0]).toBe("HTTP/1.1 408 Request Timeout");
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_000);
    expect(Date.now() - started).toBeLessThan(13_000);
  }, 20_000);

  it("closes the sockets of a revoked key", async () => {
    const admin = t.client("admin-key");
    const created = await admin.admin.createUser.mutate({ userId: "dave", displayName: "Dave" });
    // `?connectionParams=1` tells the server the first message carries them, as the tRPC client does.
    const socket = new WebSocket(`${t.server.url.replace("http", "ws")}/trpc?connectionParams=1`);
    await new Promise((r) => socket.once("open", r));
    socket.send(JSON.stringify({ method: "connectionParams", data: { apiKey: created.apiKey } }));
    socket.send(JSON.stringify({ id: 1, method: "subscription", params: { path: "orders.onUpdate", input: {} } }));
    await new Promise((r) => setTimeout(r, 200));
    const closed = new Promise<number>((r) => socket.once("close", (code) => r(code)));
    await admin.admin.revokeKey.mutate({ keyId: created.keyId });
    expect(await closed).toBe(CLOSE_KEY_REVOKED);
  });

  it("survives malformed connection params and oversized messages", async () => {
    const url = `${t.server.url.replace("http", "ws")}/trpc`;
    for (const junk of [
      "{not json",
      JSON.stringify({ method: "connectionParams", data: 42 }),
      JSON.stringify({ method: "connectionParams", data: { apiKey: { $gt: "" } } }),
    ]) {
      const socket = new WebSocket(url);
      await new Promise((r) => socket.once("open", r));
      socket.send(junk);
      await new Promise((r) => setTimeout(r, 50));
      socket.terminate();
    }
    const big = new WebSocket(url);
    await new Promise((r) => big.once("open", r));
    const code = new Promise<number>((r) => big.once("close", (c) => r(c)));
    big.send("x".repeat(t.config.maxWsPayloadBytes + 1));
    expect(await code).toBe(1009);
    const health = await fetch(`${t.server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await t.client("alice-key").auth.whoami.query()).toMatchObject({ userId: "alice" });
  });

  it("answers 400 to a path that is not valid percent-encoding and to request targets that make no URL, sockets included, and keeps serving; made-up paths share one metrics label", async () => {
    const bad = await fetch(`${t.server.url}/%E0%A4%A`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "BAD_REQUEST" } });
    // Request targets no URL can be made of (fetch would not send them), as a request and as a
    // WebSocket upgrade: each answers 400.
    const upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13";
    expect(await statusLine("GET http://[bad HTTP/1.1\r\nHost: localhost\r\nConnection: close")).toBe("HTTP/1.1 400 Bad Request");
    expect(await statusLine(`GET http://[bad HTTP/1.1\r\nHost: localhost\r\n${upgrade}`)).toBe("HTTP/1.1 400 Bad Request");
    expect(await statusLine(`GET / HTTP/1.1\r\nHost: [bad\r\n${upgrade}`)).toBe("HTTP/1.1 400 Bad Request");
    for (let i = 0; i < 5; i++) await (await fetch(`${t.server.url}/made-up-${i}`)).arrayBuffer();
    expect((await fetch(`${t.server.url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${t.server.url}/metrics`)).text();
    expect(metrics).not.toContain("made-up");
    expect(metrics).toMatch(/trading_http_requests_total\{route="\/ \(web app\)",status="400"\} [1-9]/);
    expect(metrics).toMatch(/trading_http_requests_total\{route="\/healthz",status="200"\} [1-9]/);
  });

  it("answers 413 to an oversized body and 400 to an oversized batch", async () => {
    const body = JSON.stringify({ symbol: "TCS", side: "BUY", type: "MARKET", quantity: 1, pad: "x".repeat(t.config.maxBodyBytes) });
    const big = await fetch(`${t.server.url}/trpc/orders.place`, {
      method: "POST",
      headers: { "x-api-key": "alice-key", "content-type": "application/json" },
      body,
    });
    expect(big.status).toBe(413);
    const paths = Array.from({ length: t.config.maxBatchSize + 1 }, () => "funds.get").join(",");
    const batch = await fetch(`${t.server.url}/trpc/${paths}?batch=1`, { headers: { "x-api-key": "alice-key" } });
    expect(batch.status).toBe(400);
  });
});
