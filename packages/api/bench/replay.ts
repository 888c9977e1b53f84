// The replay attack: one user opens 5 sockets with 20 subscriptions each (the documented caps),
// every one asking to resume from far back, while another user goes on trading. Prints how much
// the other user's requests slow down (their latency before and during the attack), how many
// events the attacker received, and the server's peak memory. Run by hand after a build:
// `npx -y pnpm@10 --filter @trading/api bench:replay`. BENCH_ATTACK=orders or ticks runs one half
// of the attack alone; BENCH_FEED sets the feed's ticks per second per instrument (20; 0 is off).
import { fork } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createTradingClient, type TradingClient } from "../dist/client.js";
import { spawnServer } from "../dist/spawn.js";

if (process.argv[2] === "attack") await attackFrom(process.argv[3] as string, process.argv[4] as string);

/** The attacker's process: subscribes, counts, and reports when asked. */
async function attackFrom(url: string, firstSeq: string): Promise<never> {
  let received = 0;
  let refused = 0;
  const sockets = Array.from({ length: 5 }, () => createTradingClient({ url, apiKey: "alice-key" }));
  for (const socket of sockets) {
    for (let i = 0; i < 10; i++) {
      const handlers = { onData: () => received++, onError: () => refused++ };
      // BENCH_ATTACK=ticks or orders runs one half alone, to tell their costs apart.
      if (process.env.BENCH_ATTACK !== "ticks") socket.orders.onUpdate.subscribe({ lastEventId: firstSeq }, handlers);
      if (process.env.BENCH_ATTACK !== "orders") socket.market.onTick.subscribe({ lastEventId: "0" }, handlers);
    }
  }
  process.send?.("subscribed");
  await new Promise((resolve) => process.once("message", resolve));
  process.send?.({ received, refused });
  process.exit(0);
}

const HISTORY_ORDERS = Number(process.env.BENCH_HISTORY_ORDERS ?? 20_000);
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 5_000);
const print = (record: Record<string, unknown>) => console.log(JSON.stringify(record));

const dataDir = mkdtempSync(path.join(os.tmpdir(), "trading-bench-replay-"));
const server = await spawnServer({
  args: ["--data-dir", dataDir],
  env: { FEED_TICKS_PER_SECOND: process.env.BENCH_FEED ?? "20", RATE_LIMIT_PER_SECOND: "1000000", RATE_LIMIT_BURST: "1000000" },
  timeoutMs: 120_000,
});
const rssMb = () => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.child.pid}/status`, "utf8"))?.[1] ?? 0) / 1024);

/** The server's own event-loop delay since the last call (p99 and max, ms): what every request and tick waited on top of its own work. */
async function loopLag(): Promise<{ loop_lag_p99_ms: number; loop_lag_max_ms: number }> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const read = (name: string) => Math.round(Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN) * 1e4) / 10;
  return { loop_lag_p99_ms: read("nodejs_eventloop_lag_p99_seconds"), loop_lag_max_ms: read("nodejs_eventloop_lag_max_seconds") };
}

/** The other user: one request at a time, 10 ms apart; latency of each, in ms. */
async function otherUser(
  client: TradingClient,
  ms: number,
): Promise<{ p50: number; p99: number; max: number; requests: number; failed: number }> {
  const latencies: number[] = [];
  const until = performance.now() + ms;
  let n = 0;
  let failed = 0;
  while (performance.now() < until) {
    const started = performance.now();
    try {
      if (n++ % 2 === 0) await client.funds.get.query();
      else await client.orders.place.mutate({ symbol: "ITC", side: "BUY", type: "LIMIT", quantity: 1, price: 1 });
    } catch {
      failed++;
    }
    latencies.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 10));
  }
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 10) / 10;
  return { p50: at(0.5), p99: at(0.99), max: at(1), requests: sorted.length, failed };
}

const attacker = createTradingClient({ url: server.url, apiKey: "alice-key" });
const bob = createTradingClient({ url: server.url, apiKey: "bob-key" });
const firstSeq =
  Number((await attacker.orders.place.mutate({ symbol: "ITC", side: "BUY", type: "LIMIT", quantity: 1, price: 1 })).orderId.slice(1)) - 1;
for (let placed = 0; placed < HISTORY_ORDERS; placed += 50) {
  await Promise.all(
    Array.from({ length: 50 }, () => attacker.orders.place.mutate({ symbol: "ITC", side: "BUY", type: "LIMIT", quantity: 1, price: 1 })),
  );
}

print({ name: "machine", cpu: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length, node: process.version });
await loopLag();
const quiet = await otherUser(bob, PHASE_MS);
print({ name: "other user, quiet", ...quiet, ...(await loopLag()), rss_mb: rssMb() });

// The attack, from a process of its own (its client's work must not slow the other user's
// client): 5 sockets × 20 subscriptions; half resume order updates from before the history
// (within what the server keeps, so each replays all of it), half resume ticks from event 0.
let peakRss = rssMb();
const attack = fork(fileURLToPath(import.meta.url), ["attack", server.url, String(firstSeq)], { execArgv: ["--import", "tsx"] });
// Measured from when its subscriptions are sent, not while the process starts.
await new Promise((resolve) => attack.once("message", resolve));
const report = new Promise<{ received: number; refused: number }>((resolve) =>
  attack.once("message", (m) => resolve(m as { received: number; refused: number })),
);
const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb())), 100);
await loopLag();
const attacked = await otherUser(bob, PHASE_MS);
const lagAttacked = await loopLag();
clearInterval(sampler);
attack.send("report");
const { received, refused } = await report;
print({
  name: "other user, during the attack",
  ...attacked,
  ...lagAttacked,
  p99_added_ms: Math.round((attacked.p99 - quiet.p99) * 10) / 10,
  max_added_ms: Math.round((attacked.max - quiet.max) * 10) / 10,
});
print({
  name: "attacker",
  history_orders: HISTORY_ORDERS,
  subscriptions: 100,
  events_received_in_phase: received,
  errors: refused,
  peak_server_rss_mb: peakRss,
});

for (const client of [attacker, bob]) client.close();
await server.stop();
rmSync(dataDir, { recursive: true, force: true });
