// One server, N WebSocket clients each subscribed to the ticks of 3 symbols, the default feed (20
// instruments × 2 ticks a second): how long connecting them all takes, deliveries per second
// against the expected (N × 3/20 × 40), the ticks the feed made per second (of 40), latency from a
// tick's time to its arrival (p50, p99) and the server's resident memory. The clients run in child
// processes of this one, and share the machine's cores with the server.
// Run: `npx -y pnpm@10 --filter @trading/api bench:fanout` (BENCH_SOCKETS=1000,3000 to choose).
// BENCH_GATEWAYS=2 (with DATABASE_URL and NATS) runs a cluster instead, a feed, an engine and that
// many gateways, the sockets spread over the gateways; the memory is each gateway's.
// Each count runs the platform, then its baseline with the same clients: a bare `ws` server that
// sends the same messages on the same schedule (fanout-ws-baseline.ts), and prints both and their
// ratios.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SEED_INSTRUMENTS } from "@trading/engine";
import { connect } from "@nats-io/transport-node";
import { spawnServer, type ServerProcess } from "../dist/spawn.js";
import { dropCluster } from "../test/cluster-helpers.js";
import type { ClientsCommand, ClientsJob, ClientsMessage } from "./fanout-clients.js";
import { spawnAndWait, startServer, stop } from "./server.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const COUNTS = (process.env.BENCH_SOCKETS ?? "1000,3000,6000,10000").split(",").map(Number);
const SYMBOLS = SEED_INSTRUMENTS.map((s) => s.symbol);
const KEYS = ["demo-key", "alice-key", "bob-key"];
/**
 * Processes the clients run in (BENCH_CLIENT_PROCESSES): one event loop for 10,000 sockets adds its
 * own queueing to the latency, and one process may open only so many files (`ulimit -n`).
 */
const CLIENT_PROCESSES = Number(process.env.BENCH_CLIENT_PROCESSES ?? 2);
const print = (record: Record<string, unknown>) => console.log(JSON.stringify(record));

/** Each distinct server's /metrics text, fetched at once (one render each: a render restarts the event-loop delay's window). */
async function scrape(urls: string[]): Promise<Map<string, string>> {
  const distinct = [...new Set(urls)];
  const texts = await Promise.all(distinct.map(async (url) => (await fetch(`${url}/metrics`)).text()));
  return new Map(distinct.map((url, i) => [url, texts[i] as string]));
}

const valueIn = (text: string | undefined, name: string): number =>
  Number(new RegExp(`^${name} ([\\d.e+]+)`, "m").exec(text ?? "")?.[1] ?? Number.NaN);

/** A histogram's cumulative bucket counts by upper bound (seconds), summed over the servers. */
function buckets(texts: string[], name: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const text of texts) {
    for (const match of text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)`, "gm"))) {
      const bound = match[1] === "+Inf" ? Number.POSITIVE_INFINITY : Number(match[1]);
      counts.set(bound, (counts.get(bound) ?? 0) + Number(match[2]));
    }
  }
  return counts;
}

/** The smallest bucket bound (ms) under which a fraction `q` of what was observed between two readings fell. */
function bucketQuantileMs(before: Map<number, number>, after: Map<number, number>, q: number): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Number.POSITIVE_INFINITY) ?? 0) - (before.get(Number.POSITIVE_INFINITY) ?? 0);
  const bound = bounds.find((b) => (after.get(b) ?? 0) - (before.get(b) ?? 0) >= q * total);
  return bound === undefined ? Number.NaN : bound * 1000;
}

/** Connections this machine's listening sockets had no room to queue (Linux; NaN elsewhere): each one waits a second or more to try again. */
function listenOverflows(): number {
  try {
    const [names, values] = readFileSync("/proc/net/netstat", "utf8")
      .split("\n")
      .filter((line) => line.startsWith("TcpExt:"))
      .map((line) => line.split(" "));
    return Number(values?.[names?.indexOf("ListenOverflows") ?? -1] ?? Number.NaN);
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds a process has used (user + system), from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Where the sockets connect, where the feed's tick count is read, and how it all stops. */
interface Target {
  gateways: string[];
  /** The processes serving the sockets. */
  pids: (number | undefined)[];
  /** A cluster's other processes (its feed and engine). */
  others: (number | undefined)[];
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
    pids: [server.child.pid],
    others: [],
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
  // BENCH_PROFILE_DIR=/tmp/x writes a CPU profile of each gateway there.
  const profile = process.env.BENCH_PROFILE_DIR === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_PROFILE_DIR];
  const start = (role: string) =>
    spawnServer({ nodeArgs: role === "gateway" ? profile : [], args: [], env: { ...env, ROLE: role }, timeoutMs: 60_000 });
  const processes: ServerProcess[] = [];
  const stopAll = async () => {
    for (const p of [...processes].reverse()) await p.stop();
    const nc = await connect({ servers: natsUrl });
    await dropCluster(databaseUrl, nc, clusterName, shards);
    await nc.close();
  };
  try {
    for (const role of ["feed", "engine", ...Array.from({ length: gateways }, () => "gateway")]) processes.push(await start(role));
  } catch (error) {
    // A process that did not start: the others are not left running after the bench.
    await stopAll();
    throw error;
  }
  const [feed] = processes as [ServerProcess];
  const urls = processes.slice(2).map((p) => p.url);
  for (const url of urls) {
    for (let i = 0; i < 600 && (await fetch(`${url}/readyz`).catch(() => null))?.status !== 200; i++)
      await new Promise((r) => setTimeout(r, 100));
  }
  return {
    gateways: urls,
    pids: processes.slice(2).map((p) => p.child.pid),
    others: processes.slice(0, 2).map((p) => p.child.pid),
    feed: { url: feed.url, metric: "trading_feed_ticks_published" },
    stop: stopAll,
  };
}

/** The clients' processes (fanout-clients.ts), each with its share of the sockets. */
class Clients {
  private readonly processes: ChildProcess[];
  /** Whether the processes were told to go (their exit is expected). */
  private done = false;

  constructor(job: Omit<ClientsJob, "first" | "step">, processes: number) {
    const script = fileURLToPath(new URL("./fanout-clients.ts", import.meta.url));
    this.processes = Array.from({ length: processes }, (_, first) => {
      const child = fork(script, [JSON.stringify({ ...job, first, step: processes })], {
        execArgv: ["--import", "tsx"],
        serialization: "advanced",
      });
      child.once("exit", (code, signal) => {
        if (this.done) return;
        console.error(`a clients' process stopped before its report (${signal ?? `exit code ${code}`})`);
        process.exit(1);
      });
      return child;
    });
  }

  get pids(): (number | undefined)[] {
    return this.processes.map((p) => p.pid);
  }

  /** Resolves once every socket's subscription has started. */
  connected(): Promise<void> {
    return Promise.all(this.processes.map((p) => this.next(p, "connected"))).then(() => undefined);
  }

  measure(): void {
    for (const p of this.processes) p.send("measure" satisfies ClientsCommand);
  }

  stop(): void {
    for (const p of this.processes) p.send("stop" satisfies ClientsCommand);
  }

  /** Stops measuring, closes the sockets, and answers every process's report. */
  async report(): Promise<Extract<ClientsMessage, { kind: "report" }>[]> {
    const reports = this.processes.map((p) => this.next(p, "report"));
    for (const p of this.processes) p.send("report" satisfies ClientsCommand);
    const answered = await Promise.all(reports);
    this.close();
    return answered as Extract<ClientsMessage, { kind: "report" }>[];
  }

  /** Ends the processes (their exit is expected from now on). */
  close(): void {
    this.done = true;
    for (const p of this.processes) p.kill();
  }

  private next(child: ChildProcess, kind: ClientsMessage["kind"]): Promise<ClientsMessage> {
    return new Promise((resolve, reject) => {
      const listen = (message: ClientsMessage) => {
        if (message.kind === "failed") reject(new Error(message.error));
        else if (message.kind === kind) resolve(message);
        else return;
        child.off("message", listen);
      };
      child.on("message", listen);
    });
  }
}

/** The bare `ws` baseline (fanout-ws-baseline.ts) at the feed's rate: as many servers as the platform has gateways. */
async function bareWs(servers: number): Promise<Target> {
  const script = fileURLToPath(new URL("./fanout-ws-baseline.ts", import.meta.url));
  const started = await Promise.all(
    Array.from({ length: servers }, () => spawnAndWait(["--import", "tsx", script, "40"], /\{"port":(\d+)\}/)),
  );
  const urls = started.map(({ match }) => `http://127.0.0.1:${match[1]}`);
  return {
    gateways: urls,
    pids: started.map(({ child }) => child.pid),
    others: [],
    feed: { url: urls[0] as string, metric: "trading_feed_ticks_produced" },
    stop: () => Promise.all(started.map(({ child }) => stop(child))).then(() => undefined),
  };
}

/** Connects `count` sockets to `target`, measures for SECONDS, stops the target and answers the figures. */
async function measure(target: Target, count: number) {
  const wsUrls = target.gateways.map((url) => `${url.replace("http", "ws")}/trpc?connectionParams=1`);
  const started = performance.now();
  const overflowsBefore = listenOverflows();
  const clients = new Clients({ wsUrls, keys: KEYS, symbols: SYMBOLS, count }, CLIENT_PROCESSES);
  try {
    await clients.connected();
  } catch (error) {
    // A socket that could not subscribe ends the run: the servers are not left running after it.
    clients.close();
    await target.stop();
    throw error;
  }
  const connectSeconds = (performance.now() - started) / 1000;
  const overflows = listenOverflows() - overflowsBefore;
  await new Promise((r) => setTimeout(r, 1_000));
  // The window opens after the servers' figures are read and closes before they are read again,
  // every server at once: a busy one answers late, which must not stretch what the feed and the
  // clients count. The event loop's longest delay is kept since the last scrape.
  const urls = [target.feed.url, ...target.gateways];
  const before = await scrape(urls);
  clients.measure();
  const serverCpu0 = target.pids.map(cpuSeconds);
  const clientCpu0 = clients.pids.map(cpuSeconds);
  const otherCpu0 = target.others.map(cpuSeconds);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  clients.stop();
  const elapsed = (performance.now() - t0) / 1000;
  const serverCpu = target.pids.map((pid, i) => Math.round(((cpuSeconds(pid) - (serverCpu0[i] ?? 0)) / elapsed) * 100));
  const percentOf = (pids: (number | undefined)[], before: number[]) =>
    Math.round((pids.map((pid, i) => cpuSeconds(pid) - (before[i] ?? 0)).reduce((a, b) => a + b, 0) / elapsed) * 100);
  const clientCpu = percentOf(clients.pids, clientCpu0);
  const otherCpu = percentOf(target.others, otherCpu0);
  const after = await scrape(urls);
  const ofGateways = (texts: Map<string, string>) => target.gateways.map((url) => texts.get(url) ?? "");
  const each = (name: string) => ofGateways(after).map((text) => valueIn(text, name));
  const sum = (texts: Map<string, string>, name: string) => ofGateways(texts).reduce((n, text) => n + valueIn(text, name), 0);
  const ticks = valueIn(after.get(target.feed.url), target.feed.metric) - valueIn(before.get(target.feed.url), target.feed.metric);
  const loopMax = each("nodejs_eventloop_lag_max_seconds");
  const quantileMs = (histogram: string, q: number) =>
    bucketQuantileMs(buckets(ofGateways(before), histogram), buckets(ofGateways(after), histogram), q);
  const messages = sum(after, "trading_tick_messages_total") - sum(before, "trading_tick_messages_total");
  const writes = sum(after, "trading_tick_writes_total") - sum(before, "trading_tick_writes_total");
  const rss = each("process_resident_memory_bytes");
  const heap = each("nodejs_heap_used_bytes");
  // How many of the subscriptions the tick hub serves (the rest went the procedure's way).
  const viaHub = sum(after, "trading_tick_subscriptions");
  const reports = await clients.report();
  await target.stop();
  const sorted = new Float64Array(reports.reduce((n, r) => n + r.latencies.length, 0));
  reports.reduce((at, r) => (sorted.set(r.latencies, at), at + r.latencies.length), 0);
  sorted.sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    sockets: count,
    connect_all_seconds: Math.round(connectSeconds * 10) / 10,
    // Connections the kernel dropped while they were made, for want of room in a listen queue.
    listen_overflows_connecting: overflows,
    deliveries_per_second: Math.round(sorted.length / elapsed),
    expected_per_second: Math.round((count * 3 * 40) / SYMBOLS.length),
    feed_ticks_per_second: Math.round((ticks / elapsed) * 10) / 10,
    p50_ms: at(0.5),
    p99_ms: at(0.99),
    server_rss_mb: rss.map((bytes) => Math.round(bytes / 2 ** 20)),
    server_heap_used_mb: heap.map((bytes) => Math.round(bytes / 2 ** 20)),
    // Percent of one core: each serving process's, and the clients' (all their processes).
    server_cpu_percent: serverCpu,
    // The server's part of the latency, each a bucket's bound: from a tick's time to its first send
    // (in a cluster: the market stream's hop and the wait for the gateway's event loop), and to its last.
    server_send_start_p50_ms_at_most: quantileMs("trading_tick_send_start_seconds", 0.5),
    server_send_start_p99_ms_at_most: quantileMs("trading_tick_send_start_seconds", 0.99),
    server_fanout_p50_ms_at_most: quantileMs("trading_tick_fanout_seconds", 0.5),
    server_fanout_p99_ms_at_most: quantileMs("trading_tick_fanout_seconds", 0.99),
    // The longest the serving processes' event loops were held up while measuring.
    server_loop_max_ms: loopMax.map((seconds) => Math.round(seconds * 1000)),
    clients_cpu_percent: clientCpu,
    // A cluster's feed and engine together (NATS and PostgreSQL not counted).
    ...(target.others.length > 0 ? { feed_and_engine_cpu_percent: otherCpu } : {}),
    clients_loop_p99_ms: Math.round(Math.max(...reports.map((r) => r.loopP99Ms))),
    clients_loop_max_ms: Math.round(Math.max(...reports.map((r) => r.loopMaxMs))),
    subscriptions_via_hub: viaHub,
    // Above 1: ticks bunched up and a socket's went out together (each still its own frame).
    server_messages_per_write: Math.round((messages / writes) * 100) / 100,
  };
}

/** The platform (one process or a cluster), then the bare `ws` baseline (one per gateway) with the same clients. */
async function run(count: number): Promise<void> {
  const gatewayCount = Number(process.env.BENCH_GATEWAYS ?? 0);
  const ours = await measure(gatewayCount > 0 ? await cluster(count, gatewayCount) : await oneServer(count), count);
  print({
    name: "tick-fanout",
    gateways: gatewayCount > 0 ? gatewayCount : "one process",
    ...ours,
    targets: { deliveries_per_second: 58_000, p99_ms: 50, connect_all_seconds: 10, server_rss_mb: 1024, at_sockets: 10_000 },
  });
  if (process.env.BENCH_BASELINE === "0") return;
  const baseline = await measure(await bareWs(Math.max(1, gatewayCount)), count);
  const { subscriptions_via_hub: _, ...bare } = baseline;
  print({ name: "tick-fanout-bare-ws", ...bare });
  // Above 1: the platform took longer (latency, connecting) or more (CPU, memory) than bare ws.
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  print({
    name: "tick-fanout-vs-bare-ws",
    sockets: count,
    p50: ratio(ours.p50_ms, baseline.p50_ms),
    p99: ratio(ours.p99_ms, baseline.p99_ms),
    connect_all: ratio(ours.connect_all_seconds, baseline.connect_all_seconds),
    server_cpu: ratio(sum(ours.server_cpu_percent), sum(baseline.server_cpu_percent)),
    server_rss: ratio(sum(ours.server_rss_mb), sum(baseline.server_rss_mb)),
  });
}

for (const count of COUNTS) await run(count);
// Exit once the figures are out: after a cluster run a handle (not found yet) keeps the process alive.
process.exit(0);
