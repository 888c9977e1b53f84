// API benchmarks against a real server process with durable SQLite storage; the load comes from
// this process. Every figure is printed as one JSON line, with ratios to the ceilings measured in
// the same run: a bare node:http JSON answer, a bare ws echo, and stock tRPC with a trivial
// procedure over HTTP and WebSocket. Run by hand: `npx -y pnpm@10 --filter @trading/api bench`.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { Engine, SEED_INSTRUMENTS, type Command, type EngineEvent } from "@trading/engine";
import type { ServerProcess } from "../dist/spawn.js";
import { makeUsers, orderInput, spawnAndWait, startServer, stop } from "./server.js";
import { SqliteStorage } from "../src/storage/sqlite.js";
import { httpLoad, wsLoad, type LoadResult } from "./load.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = 64;
const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];

const print = (record: Record<string, unknown>) => console.log(JSON.stringify(record));
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

function line(name: string, result: LoadResult, ceilings: Record<string, number>, extra: Record<string, unknown> = {}) {
  print({
    name,
    per_second: result.perSecond,
    p50_ms: result.p50Ms,
    p99_ms: result.p99Ms,
    max_ms: result.maxMs,
    requests: result.requests,
    errors: result.errors,
    concurrency: CONCURRENCY,
    seconds: result.seconds,
    ...Object.fromEntries(Object.entries(ceilings).map(([k, v]) => [`ratio_to_${k}`, ratio(result.perSecond, v)])),
    ...extra,
  });
}

/** Order placement over tRPC WebSocket, one socket per user (`bench orders-ws` runs it alone). */
async function ordersOverWs(server: ServerProcess, keys: string[], ceilings: Record<string, number>): Promise<void> {
  const wsUrl = `${server.url.replace("http", "ws")}/trpc?connectionParams=1`;
  const ws = await wsLoad({
    url: wsUrl,
    concurrency: CONCURRENCY,
    seconds: SECONDS,
    hello: (index) =>
      JSON.stringify({ method: "connectionParams", data: { apiKey: keys[(process.env.BENCH_ONE_USER ? 0 : index) % keys.length] } }),
    message: (n, id) => JSON.stringify({ id, method: "mutation", params: { path: "orders.place", input: orderInput(n) } }),
    isAnswer: (data) => (data.includes('"id"') ? { ok: data.includes('"result"') } : null),
  });
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\d+)`, "m").exec(metrics)?.[1] ?? 0);
  const commandsPerBatch = Math.round((gauge("trading_exchange_commands") / Math.max(1, gauge("trading_exchange_batches"))) * 10) / 10;
  line("orders-ws", ws, ceilings, { target_per_second: 10_000, target_p99_ms: 25, commands_per_commit: commandsPerBatch });
}

async function throughput(): Promise<void> {
  const baselines = await spawnAndWait(["--import", "tsx", path.join(here, "baselines.ts")], /\{"ports":(\{[^}]+\})\}/);
  const ports = JSON.parse(baselines.match[1] as string) as { http: number; ws: number; trpc: number };
  const base = "http://127.0.0.1";
  const ceilings = {
    bare_http: (await httpLoad({ url: `${base}:${ports.http}/`, concurrency: CONCURRENCY, seconds: SECONDS, body: () => null })).perSecond,
    trpc_http: (
      await httpLoad({
        url: `${base}:${ports.trpc}/trpc/echo`,
        concurrency: CONCURRENCY,
        seconds: SECONDS,
        body: (n) => JSON.stringify({ n }),
      })
    ).perSecond,
    bare_ws: (
      await wsLoad({
        url: `ws://127.0.0.1:${ports.ws}`,
        concurrency: CONCURRENCY,
        seconds: SECONDS,
        message: (n) => `{"n":${n}}`,
        isAnswer: () => ({ ok: true }),
      })
    ).perSecond,
    trpc_ws: (
      await wsLoad({
        url: `ws://127.0.0.1:${ports.trpc}`,
        concurrency: CONCURRENCY,
        seconds: SECONDS,
        message: (n, id) => JSON.stringify({ id, method: "mutation", params: { path: "echo", input: { n } } }),
        isAnswer: (data) => (data.includes('"id"') ? { ok: data.includes('"result"') } : null),
      })
    ).perSecond,
  };
  print({ name: "ceilings", per_second: ceilings, concurrency: CONCURRENCY, seconds: SECONDS });
  await stop(baselines.child);

  const dataDir = mkdtempSync(path.join(os.tmpdir(), "trading-bench-"));
  const server = await startServer(dataDir);
  const keys = await makeUsers(server.url, CONCURRENCY);
  await ordersOverWs(server, keys, { bare_ws: ceilings.bare_ws, trpc_ws: ceilings.trpc_ws });
  const trpcHttp = await httpLoad({
    url: `${server.url}/trpc/orders.place`,
    concurrency: CONCURRENCY,
    seconds: SECONDS,
    headers: { "x-api-key": keys[0] as string },
    body: (n) => JSON.stringify(orderInput(n)),
  });
  line("orders-http-trpc", trpcHttp, { bare_http: ceilings.bare_http, trpc_http: ceilings.trpc_http });
  const rest = await httpLoad({
    url: `${server.url}/api/v1/orders`,
    concurrency: CONCURRENCY,
    seconds: SECONDS,
    headers: { "x-api-key": keys[1] as string },
    body: (n) => JSON.stringify(orderInput(n)),
  });
  line("orders-http-rest", rest, { bare_http: ceilings.bare_http, trpc_http: ceilings.trpc_http });
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

interface FanoutResult {
  deliveries: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Latency from a tick's time stamp to its arrival at each of `sockets` subscribed sockets, over
 * SECONDS after a second of warm-up. The initial quotes a fresh subscriber gets (volume 0) do not count.
 */
async function fanoutLatency(options: {
  url: string;
  sockets: number;
  hello?: (index: number) => string;
  subscribe: string;
}): Promise<FanoutResult> {
  const latencies: number[] = [];
  let measuring = false;
  const sockets = await Promise.all(
    Array.from(
      { length: options.sockets },
      (_, i) =>
        new Promise<WebSocket>((resolve, reject) => {
          const socket = new WebSocket(options.url);
          socket.once("open", () => {
            if (options.hello !== undefined) socket.send(options.hello(i));
            socket.send(options.subscribe);
            resolve(socket);
          });
          socket.on("message", (data: Buffer) => {
            if (!measuring) return;
            const now = Date.now();
            const text = data.toString();
            const match = /"time":"([^"]+)"/.exec(text);
            if (match !== null && text.includes('"volume":') && !text.includes('"volume":0,'))
              latencies.push(now - Date.parse(match[1] as string));
          });
          socket.once("error", reject);
        }),
    ),
  );
  await new Promise((r) => setTimeout(r, 1_000));
  measuring = true;
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  measuring = false;
  for (const s of sockets) s.terminate();
  const sorted = Float64Array.from(latencies).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    deliveries: sorted.length,
    perSecond: Math.round(sorted.length / SECONDS),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: sorted[sorted.length - 1] ?? 0,
  };
}

async function tickLatency(): Promise<void> {
  const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 200);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "trading-bench-"));
  const server = await startServer(dataDir, { FEED_TICKS_PER_SECOND: "2", MAX_SUBSCRIPTIONS_PER_USER: "1000" });
  const ours = await fanoutLatency({
    url: `${server.url.replace("http", "ws")}/trpc?connectionParams=1`,
    sockets: SOCKETS,
    hello: (i) => JSON.stringify({ method: "connectionParams", data: { apiKey: ["demo-key", "alice-key", "bob-key"][i % 3] } }),
    subscribe: JSON.stringify({ id: 1, method: "subscription", params: { path: "market.onTick", input: {} } }),
  });
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });

  // The ceilings, at the tick rate our server just ran at.
  const ticksPerSecond = Math.max(1, Math.round(ours.perSecond / SOCKETS));
  const baselines = await spawnAndWait(
    ["--import", "tsx", path.join(here, "fanout-baselines.ts"), String(ticksPerSecond)],
    /\{"ports":(\{[^}]+\})\}/,
  );
  const ports = JSON.parse(baselines.match[1] as string) as { ws: number; trpc: number };
  const bareWs = await fanoutLatency({ url: `ws://127.0.0.1:${ports.ws}`, sockets: SOCKETS, subscribe: "{}" });
  const stockTrpc = await fanoutLatency({
    url: `ws://127.0.0.1:${ports.trpc}`,
    sockets: SOCKETS,
    subscribe: JSON.stringify({ id: 1, method: "subscription", params: { path: "onTick" } }),
  });
  await stop(baselines.child);

  const figures = (r: FanoutResult) => ({ p50_ms: r.p50Ms, p99_ms: r.p99Ms, max_ms: r.maxMs, deliveries: r.deliveries });
  print({
    name: "tick-fanout-ceilings",
    sockets: SOCKETS,
    ticks_per_second: ticksPerSecond,
    bare_ws: figures(bareWs),
    trpc_ws: figures(stockTrpc),
  });
  print({
    name: "tick-to-subscriber",
    sockets: SOCKETS,
    deliveries: ours.deliveries,
    deliveries_per_second: ours.perSecond,
    p50_ms: ours.p50Ms,
    p99_ms: ours.p99Ms,
    max_ms: ours.maxMs,
    p99_ratio_to_bare_ws: ratio(ours.p99Ms, Math.max(1, bareWs.p99Ms)),
    p99_ratio_to_trpc_ws: ratio(ours.p99Ms, Math.max(1, stockTrpc.p99Ms)),
    note: "tick time is stamped when the writer applies it (ms resolution), so this includes the durable commit; the ceilings journal nothing",
    target_p99_ms: 10,
  });
}

/** A data directory whose journal holds at least `events` events, written directly through storage. */
async function journalWith(events: number): Promise<string> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "trading-restart-"));
  const storage = new SqliteStorage(path.join(dataDir, "trading.sqlite"));
  await storage.init();
  const engine = new Engine({ retainClosedOrders: false });
  let journalId = 0;
  let time = Date.now() - 86_400_000;
  const commit = async (commands: Command[]) => {
    const all = commands.flatMap((c) => engine.apply(c).events);
    await storage.journal.commit({ firstJournalId: journalId + 1, commands, events: all });
    journalId += commands.length;
  };
  await commit(
    SEED_INSTRUMENTS.map(({ volatility: _v, typicalVolume: _t, ...instrument }) => ({ kind: "addInstrument" as const, time, instrument })),
  );
  await commit(["demo-user", "alice", "bob", "admin"].map((userId) => ({ kind: "openAccount" as const, time, userId, cash: 1e12 })));
  let n = 0;
  while (engine.lastSeq < events) {
    const batch: Command[] = [];
    for (let i = 0; i < 1_000; i++, n++) {
      time += 10;
      const s = SEED_INSTRUMENTS[n % SEED_INSTRUMENTS.length] as (typeof SEED_INSTRUMENTS)[number];
      if (n % 10 === 0) {
        batch.push({
          kind: "placeOrder",
          time,
          userId: "alice",
          orderId: `R${n}`,
          order: { symbol: s.symbol, side: "BUY", type: "LIMIT", quantity: 1, price: s.price - 500, validity: "DAY" },
        });
      } else {
        batch.push({ kind: "tick", time, symbol: s.symbol, price: s.price + ((n % 7) - 3) * 5, volume: 10 });
      }
    }
    await commit(batch);
  }
  await storage.close();
  return dataDir;
}

async function restart(): Promise<void> {
  const EVENTS = Number(process.env.BENCH_RESTART_EVENTS ?? 1_000_000);
  const built = performance.now();
  const dataDir = await journalWith(EVENTS);
  const buildSeconds = (performance.now() - built) / 1000;
  // Journal only: the worst case, every command replayed.
  const cold = await startServer(dataDir, { DEMO_USERS: "true" });
  await cold.stop(); // a clean stop writes a snapshot
  const warm = await startServer(dataDir);
  await warm.stop();
  rmSync(dataDir, { recursive: true, force: true });
  print({
    name: "restart",
    journaled_events: EVENTS,
    replay_all_ms: Math.round(cold.startMs),
    from_snapshot_ms: Math.round(warm.startMs),
    note: "time from process spawn to listening; the journal was written beforehand in " + Math.round(buildSeconds) + " s",
  });
}

/**
 * Chart reads over a long history: BENCH_CANDLE_DAYS (365) days of one tick a minute for two
 * symbols, committed through the storage a minute of ticks at a time as the server would, then the
 * median time of reading `limit` candles of each interval. SQLite reads run on the server's main
 * thread, so this is time no order is handled.
 */
async function candles(): Promise<void> {
  const DAYS = Number(process.env.BENCH_CANDLE_DAYS ?? 365);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "trading-candles-"));
  const storage = new SqliteStorage(path.join(dataDir, "trading.sqlite"));
  await storage.init();
  const symbols = ["INFY", "TCS"];
  const start = Date.now() - DAYS * 86_400_000;
  let seq = 0;
  let committing = 0;
  const BATCH_MINUTES = 60;
  for (let minute = 0; minute < DAYS * 1440; minute += BATCH_MINUTES) {
    const events: EngineEvent[] = [];
    for (let m = minute; m < minute + BATCH_MINUTES; m++) {
      for (const symbol of symbols)
        events.push({ seq: ++seq, time: start + m * 60_000, type: "price.tick", symbol, price: 150_000 + ((m * 7) % 41) * 5, volume: 10 });
    }
    const t0 = performance.now();
    await storage.journal.commit({ firstJournalId: minute / BATCH_MINUTES + 1, commands: [], events });
    committing += performance.now() - t0;
  }
  const reads: Record<string, number> = {};
  for (const [interval, limit] of [
    ["1m", 500],
    ["5m", 500],
    ["15m", 500],
    ["1h", 500],
    ["1d", 300],
  ] as const) {
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      const t0 = performance.now();
      const rows = await storage.history.candles({ symbol: "INFY", interval, from: 0, to: Date.now(), limit });
      times.push(performance.now() - t0);
      if (rows.length !== Math.min(limit, interval === "1d" ? DAYS : limit))
        throw new Error(`expected ${limit} ${interval} candles, read ${rows.length}`);
    }
    reads[`${interval}_x${limit}_ms`] = Math.round((times.sort((a, b) => a - b)[4] as number) * 100) / 100;
  }
  await storage.close();
  rmSync(dataDir, { recursive: true, force: true });
  print({
    name: "candles",
    days: DAYS,
    symbols: symbols.length,
    us_per_tick_stored: Math.round(((committing * 1000) / seq) * 100) / 100,
    median_read: reads,
  });
}

print({
  name: "machine",
  cpu: os.cpus()[0]?.model ?? "unknown",
  cores: os.cpus().length,
  memory_gb: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  seconds: SECONDS,
});
if (only === undefined || only === "throughput") await throughput();
if (only === "orders-ws") {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "trading-bench-"));
  const server = await startServer(dataDir);
  await ordersOverWs(server, await makeUsers(server.url, CONCURRENCY), {});
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
if (only === undefined || only === "ticks") await tickLatency();
if (only === undefined || only === "restart") await restart();
if (only === undefined || only === "candles") await candles();
