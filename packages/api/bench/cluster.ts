// One process against local clusters on this machine, all on its PostgreSQL (and NATS for the
// clusters): orders/s through the REST API (MARKET BUY 1, CONCURRENCY clients, each user its own
// key), the CPU the servers spent per 1,000 orders (and PostgreSQL's and NATS's, measured apart),
// and the time from sending an order through the first gateway to its fill reaching a subscriber on
// the last one. Setups: one process (ROLE=all); 1 gateway + 1 engine; 2 gateways + 2 engines (each
// with one feed). Needs DATABASE_URL and NATS. Run:
//   DATABASE_URL=postgres://... node --import tsx bench/cluster.ts
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { connect } from "@nats-io/transport-node";
import { createTradingClient } from "../dist/client.js";
import { spawnServer, type ServerProcess } from "../dist/spawn.js";
import { dropCluster } from "../test/cluster-helpers.js";

const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl === undefined) throw new Error("set DATABASE_URL");
const natsUrl = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
const SECONDS = Number(process.env.SECONDS ?? 10);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const USERS = 32;
const SAMPLES = Number(process.env.SAMPLES ?? 200);
const SHARDS = Number(process.env.SHARDS ?? 16);
const common = {
  DATABASE_URL: databaseUrl,
  NATS_URL: natsUrl,
  RATE_LIMIT_PER_SECOND: "1000000",
  RATE_LIMIT_BURST: "1000000",
  LOG_LEVEL: "warn",
};

interface Setup {
  name: string;
  gateways: ServerProcess[];
  all: ServerProcess[];
  cleanup(): Promise<void>;
}

const start = (env: Record<string, string>) => spawnServer({ args: [], env: { ...common, LOG_LEVEL: "info", ...env }, timeoutMs: 60_000 });

async function oneProcess(): Promise<Setup> {
  const schema = `bench_one_${process.pid}`;
  const server = await start({ DATABASE_SCHEMA: schema });
  return {
    name: "one process",
    gateways: [server],
    all: [server],
    async cleanup() {
      await server.stop();
      execFileSync("psql", [databaseUrl as string, "-qc", `DROP SCHEMA ${schema} CASCADE`]);
    },
  };
}

async function cluster(gateways: number, engines: number): Promise<Setup> {
  const clusterName = `bench_${gateways}x${engines}_${process.pid}`;
  const env = { CLUSTER_NAME: clusterName, SHARDS: String(SHARDS), ENGINE_MAX_SHARDS: String(SHARDS / engines) };
  const feed = await start({ ...env, ROLE: "feed" });
  const engineProcesses = [];
  for (let i = 0; i < engines; i++) engineProcesses.push(await start({ ...env, ROLE: "engine" }));
  const gatewayProcesses = [];
  for (let i = 0; i < gateways; i++) gatewayProcesses.push(await start({ ...env, ROLE: "gateway" }));
  for (const g of gatewayProcesses) await until(async () => (await fetch(`${g.url}/readyz`)).status === 200);
  const all = [feed, ...engineProcesses, ...gatewayProcesses];
  return {
    name: `${gateways} gateway${gateways > 1 ? "s" : ""} + ${engines} engine${engines > 1 ? "s" : ""}`,
    gateways: gatewayProcesses,
    all,
    async cleanup() {
      for (const p of all.reverse()) await p.stop();
      const nc = await connect({ servers: natsUrl });
      await dropCluster(databaseUrl as string, nc, clusterName, SHARDS);
      await nc.close();
    },
  };
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600 && !(await check().catch(() => false)); i++) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** CPU seconds (user + system) the processes have used so far. */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // A process that has gone counts nothing more.
    }
  }
  return ticks / 100;
}

const servicePids = () =>
  ["postgres", "nats-server"].flatMap((name) => {
    try {
      return execFileSync("pgrep", ["-x", name], { encoding: "utf8" }).trim().split("\n").map(Number);
    } catch {
      return [];
    }
  });

async function measure(setup: Setup): Promise<Record<string, string | number>> {
  const admin = createTradingClient({ url: setup.gateways[0]?.url as string, apiKey: "admin-key" });
  const keys = await Promise.all(
    Array.from(
      { length: USERS },
      async (_, i) => (await admin.admin.createUser.mutate({ userId: `bench${i}`, displayName: `Bench ${i}`, cash: 1e9 })).apiKey,
    ),
  );
  const order = JSON.stringify({ symbol: "INFY", side: "BUY", type: "MARKET", quantity: 1 });
  let placed = 0;
  let failed = 0;
  const load = async (until: number) =>
    Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, w) => {
        const url = `${setup.gateways[w % setup.gateways.length]?.url}/api/v1/orders`;
        const headers = { "content-type": "application/json", "x-api-key": keys[w % USERS] as string };
        while (performance.now() < until) {
          const response = await fetch(url, { method: "POST", headers, body: order });
          await response.arrayBuffer();
          if (response.ok) placed++;
          else failed++;
        }
      }),
    );
  await load(performance.now() + 2_000);
  placed = 0;
  failed = 0;
  const pids = setup.all.map((p) => p.child.pid as number);
  const services = servicePids();
  const [cpu0, svc0, t0] = [cpuSeconds(pids), cpuSeconds(services), performance.now()];
  await load(t0 + SECONDS * 1000);
  const seconds = (performance.now() - t0) / 1000;
  const [cpu, svc] = [cpuSeconds(pids) - cpu0, cpuSeconds(services) - svc0];

  // Fill to subscriber: ordered through the first gateway, seen on the last.
  const watcher = createTradingClient({ url: setup.gateways[setup.gateways.length - 1]?.url as string, apiKey: keys[0] as string });
  const waiting = new Map<string, (at: number) => void>();
  const early = new Map<string, number>();
  const subscription = watcher.orders.onUpdate.subscribe(undefined, {
    onData: ({ data }) => {
      if (data.type !== "filled") return;
      const at = performance.now();
      const resolve = waiting.get(data.order.orderId);
      if (resolve === undefined) early.set(data.order.orderId, at);
      else resolve(at);
    },
  });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const latencies: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const sent = performance.now();
    const response = await fetch(`${setup.gateways[0]?.url}/api/v1/orders`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": keys[0] as string },
      body: order,
    });
    const { orderId } = (await response.json()) as { orderId: string };
    const seen = early.get(orderId) ?? (await new Promise<number>((resolve) => waiting.set(orderId, resolve)));
    latencies.push(seen - sent);
  }
  subscription.unsubscribe();
  watcher.close();
  admin.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => (latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] as number).toFixed(1);
  return {
    setup: setup.name,
    "orders/s": Math.round(placed / seconds),
    failed,
    "server CPU s / 1,000 orders": ((cpu / placed) * 1000).toFixed(2),
    "PostgreSQL+NATS CPU s / 1,000": ((svc / placed) * 1000).toFixed(2),
    "order→subscriber p50 ms": at(0.5),
    p99: at(0.99),
  };
}

const rows = [];
for (const make of [oneProcess, () => cluster(1, 1), () => cluster(2, 2)]) {
  const setup = await make();
  try {
    rows.push(await measure(setup));
  } finally {
    await setup.cleanup();
  }
  console.table([rows[rows.length - 1]]);
}
console.log(`\n${SECONDS} s of load, ${CONCURRENCY} clients, ${USERS} users, ${SHARDS} shards in the clusters; the feed runs throughout.`);
console.table(rows);
