// REST against its baseline, in one run: GET /api/v1/instruments and POST /api/v1/orders on this
// server (durable SQLite, its default feed of 40 ticks a second, charges on) and on a plain Express
// implementation of the same two endpoints in memory (express-baseline.ts), alternating, three
// rounds; prints each round and the medians with their ratio (target: at least 1.0 on both).
// Run: `npx -y pnpm@10 --filter @trading/api bench:rest` (BENCH_SECONDS per measurement, default 10).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { httpLoad, type LoadResult } from "./load.js";
import { SEED_INSTRUMENTS } from "@trading/engine";
import { makeUsers, spawnAndWait, startServer, stop } from "./server.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;
const ROUNDS = 3;
const here = path.dirname(fileURLToPath(import.meta.url));
const print = (record: Record<string, unknown>) => console.log(JSON.stringify(record));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const baseline = await spawnAndWait(["--import", "tsx", path.join(here, "express-baseline.ts")], /\{"port":(\d+)\}/);
const baselineUrl = `http://127.0.0.1:${baseline.match[1] as string}`;
const dataDir = mkdtempSync(path.join(os.tmpdir(), "trading-bench-rest-"));
const server = await startServer(dataDir, { FEED_TICKS_PER_SECOND: "2" });
// Each client a user of its own, new in each round: its cash pays for every order it places.
const keys = await makeUsers(server.url, CONNECTIONS * ROUNDS);

/** MARKET BUYs of one share, over the seeded instruments in turn (the measurement). */
const marketOrder = (n: number) =>
  JSON.stringify({ symbol: SEED_INSTRUMENTS[n % SEED_INSTRUMENTS.length]?.symbol, side: "BUY", type: "MARKET", quantity: 1 });

/** One measurement: CONNECTIONS clients, each with its own user's key. */
function load(url: string, endpoint: "instruments" | "orders", round: number): Promise<LoadResult> {
  return httpLoad({
    url: `${url}/api/v1/${endpoint}`,
    concurrency: CONNECTIONS,
    seconds: SECONDS,
    headers: (client) => ({ "x-api-key": keys[round * CONNECTIONS + client] as string }),
    body: endpoint === "orders" ? marketOrder : () => null,
  });
}

const results: Record<string, LoadResult[]> = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const endpoint of ["instruments", "orders"] as const) {
    for (const [who, url] of [
      ["express", baselineUrl],
      ["server", server.url],
    ] as const) {
      const result = await load(url, endpoint, round);
      (results[`${endpoint}/${who}`] ??= []).push(result);
      print({
        name: `rest-${endpoint}`,
        who,
        round,
        per_second: result.perSecond,
        p50_ms: result.p50Ms,
        p99_ms: result.p99Ms,
        errors: result.errors,
      });
    }
  }
}
for (const endpoint of ["instruments", "orders"] as const) {
  const of = (who: string) => results[`${endpoint}/${who}`] ?? [];
  const express = median(of("express").map((r) => r.perSecond));
  const ours = median(of("server").map((r) => r.perSecond));
  print({
    name: `rest-${endpoint}-median`,
    server_per_second: ours,
    express_per_second: express,
    ratio_to_express: Math.round((ours / express) * 100) / 100,
    server_p99_ms: median(of("server").map((r) => r.p99Ms)),
    express_p99_ms: median(of("express").map((r) => r.p99Ms)),
    target_ratio: 1,
    connections: CONNECTIONS,
    seconds: SECONDS,
  });
}
await server.stop();
await stop(baseline.child);
rmSync(dataDir, { recursive: true, force: true });
