// One server, N WebSocket clients each subscribed to the ticks of 3 symbols, the default feed (20
// instruments × 2 ticks a second): how long connecting them all takes, deliveries per second
// against the expected (N × 3/20 × 40), the ticks the feed made per second (of 40), latency from a
// tick's time to its arrival (p50, p99) and the server's resident memory. The clients run in this
// process, and share the machine's cores with the server.
// Run: `npx -y pnpm@10 --filter @trading/api bench:fanout` (BENCH_SOCKETS=1000,3000 to choose).
// BENCH_GATEWAYS=2 (with DATABASE_URL and NATS) runs a cluster instead, a feed, an engine and that
// many gateways, the sockets spread over the gateways; the memory is each gateway's.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import WebSocket from "ws";
import { SEED_INSTRUMENTS } from "@trading/engine";
import { connect } from "@nats-io/transport-node";
import { spawnServer, type ServerProcess } from "../dist/spawn.js";
import { dropCluster } from "../test/cluster-helpers.js";
import { startServer } from "./server.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const COUNTS = (process.env.BENCH_SOCKETS ?? "1000,3000,6000,10000").split(",").map(Number);
const SYMBOLS = SEED_INSTRUMENTS.map((s) => s.symbol);
const KEYS = ["demo-key", "alice-key", "bob-key"];
const print = (record: Record<string, unknown>) => console.log(JSON.stringify(record));

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(new RegExp(`^${name} ([\\d.e+]+)`, "m").exec(text)?.[1] ?? Number.NaN);
}

/** Where the sockets connect, where the feed's tick count is read, and how it all stops. */
interface Target {
  gateways: string[];
  feed: { url: string; metric: string };
  stop(): Promise<void>;
}

async function oneServer(count: number): Promise<Target> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "trading-fanout-"));
  const server = await startServer(dataDir, {
    FEED_TICKS_PER_SECOND: "2",
    HISTORY_DAYS: "0",
    MAX_SUBSCRIPTIONS_PER_USER: String(count * 2),
  });
  return {
    gateways: [server.url],
    feed: { url: server.url, metric: "trading_feed_ticks_produced" },
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function cluster(count: number, gateways: number): Promise<Target> {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl === undefined) throw new Error("BENCH_GATEWAYS needs DATABASE_URL (and NATS)");
  const natsUrl = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
  const clusterName = `fanout_${process.pid}_${count}`;
  const shards = 4;
  const env = {
    DATABASE_URL: databaseUrl,
    NATS_URL: natsUrl,
    CLUSTER_NAME: clusterName,
    SHARDS: String(shards),
    ENGINE_MAX_SHARDS: String(shards),
    FEED_TICKS_PER_SECOND: "2",
    HISTORY_DAYS: "0",
    RATE_LIMIT_PER_SECOND: "1000000",
    RATE_LIMIT_BURST: "1000000",
    MAX_SUBSCRIPTIONS_PER_USER: String(count * 2),
  };
  const start = (role: string) => spawnServer({ args: [], env: { ...env, ROLE: role }, timeoutMs: 60_000 });
  const feed = await start("feed");
  const processes: ServerProcess[] = [feed, await start("engine")];
  for (let i = 0; i < gateways; i++) processes.push(await start("gateway"));
  const urls = processes.slice(2).map((p) => p.url);
  for (const url of urls) {
    for (let i = 0; i < 600 && (await fetch(`${url}/readyz`).catch(() => null))?.status !== 200; i++)
      await new Promise((r) => setTimeout(r, 100));
  }
  return {
    gateways: urls,
    feed: { url: feed.url, metric: "trading_feed_ticks_published" },
    async stop() {
      for (const p of processes.reverse()) await p.stop();
      const nc = await connect({ servers: natsUrl });
      await dropCluster(databaseUrl, nc, clusterName, shards);
      await nc.close();
    },
  };
}

async function run(count: number): Promise<void> {
  const gatewayCount = Number(process.env.BENCH_GATEWAYS ?? 0);
  const target = gatewayCount > 0 ? await cluster(count, gatewayCount) : await oneServer(count);
  const wsUrls = target.gateways.map((url) => `${url.replace("http", "ws")}/trpc?connectionParams=1`);
  let measuring = false;
  const latencies: number[] = [];
  const started = performance.now();
  const sockets: WebSocket[] = [];
  // Connect in waves, as clients arrive: a thousand at a time.
  for (let first = 0; first < count; first += 1000) {
    const wave = Array.from(
      { length: Math.min(1000, count - first) },
      (_, k) =>
        new Promise<void>((resolve, reject) => {
          const i = first + k;
          const socket = new WebSocket(wsUrls[i % wsUrls.length] as string, { perMessageDeflate: false });
          sockets.push(socket);
          const symbols = [0, 1, 2].map((j) => SYMBOLS[(i * 3 + j) % SYMBOLS.length]);
          socket.once("open", () => {
            socket.send(JSON.stringify({ method: "connectionParams", data: { apiKey: KEYS[i % KEYS.length] } }));
            socket.send(JSON.stringify({ id: 1, method: "subscription", params: { path: "market.onTick", input: { symbols } } }));
          });
          let subscribed = false;
          socket.on("message", (data: Buffer) => {
            const text = data.toString();
            if (!subscribed && text.includes('"started"')) {
              subscribed = true;
              resolve();
            }
            if (!subscribed && text.includes('"error"')) reject(new Error(`socket ${i}: ${text}`));
            if (!measuring) return;
            const match = /"time":"([^"]+)"/.exec(text);
            if (match !== null && !text.includes('"volume":0,')) latencies.push(Date.now() - Date.parse(match[1] as string));
          });
          socket.once("error", reject);
          socket.once("close", () => reject(new Error(`socket ${i} closed before its subscription started`)));
        }),
    );
    await Promise.all(wave);
  }
  const connectSeconds = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 1_000));
  const ticksBefore = await metric(target.feed.url, target.feed.metric);
  measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  measuring = false;
  const elapsed = (performance.now() - t0) / 1000;
  const ticksAfter = await metric(target.feed.url, target.feed.metric);
  const rss = await Promise.all(target.gateways.map((url) => metric(url, "process_resident_memory_bytes")));
  // How many of the subscriptions the tick hub serves (the rest went the procedure's way).
  const viaHub = (await Promise.all(target.gateways.map((url) => metric(url, "trading_tick_subscriptions")))).reduce((a, b) => a + b, 0);
  for (const s of sockets) s.terminate();
  await target.stop();
  const sorted = Float64Array.from(latencies).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  print({
    name: "tick-fanout",
    gateways: gatewayCount > 0 ? gatewayCount : "one process",
    sockets: count,
    connect_all_seconds: Math.round(connectSeconds * 10) / 10,
    deliveries_per_second: Math.round(sorted.length / elapsed),
    expected_per_second: Math.round((count * 3 * 40) / SYMBOLS.length),
    feed_ticks_per_second: Math.round(((ticksAfter - ticksBefore) / elapsed) * 10) / 10,
    p50_ms: at(0.5),
    p99_ms: at(0.99),
    server_rss_mb: rss.map((bytes) => Math.round(bytes / 2 ** 20)),
    subscriptions_via_hub: viaHub,
    targets: { deliveries_per_second: 58_000, p99_ms: 50, connect_all_seconds: 10, server_rss_mb: 1024, at_sockets: 10_000 },
  });
}

for (const count of COUNTS) await run(count);
// Exit once the figures are out: after a cluster run a handle (not found yet) keeps the process alive.
process.exit(0);
