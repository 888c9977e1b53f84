#!/usr/bin/env node
// `pnpm cluster`: a whole cluster on this machine, for a demo or to try failures by hand: 2 feeds
// (one leads), 3 engines (two own the shards, one waits as a standby), 2 gateways (the API and the
// web app, on PORT and PORT+1). It needs PostgreSQL (DATABASE_URL) and NATS with JetStream
// (NATS_URL, default nats://127.0.0.1:4222). Each process writes its log to
// data/cluster/<role>-<n>.log; warnings and errors are shown here too. Ctrl-C stops them all.
import { createWriteStream, mkdirSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { connect } from "@nats-io/transport-node";
import pg from "pg";
import { DEFAULT_SHARDS } from "./cluster/shards.js";
import { spawnServer, type ServerProcess } from "./spawn.js";

const databaseUrl = process.env.DATABASE_URL;
const natsUrl = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
const port = Number(process.env.PORT ?? 3000);
const shards = Number(process.env.SHARDS ?? DEFAULT_SHARDS);
const logDir = path.resolve(process.env.DATA_DIR ?? "data", "cluster");

async function reachable(): Promise<string | null> {
  if (databaseUrl === undefined || databaseUrl === "") return "DATABASE_URL is not set: a cluster keeps its record in PostgreSQL";
  const db = new pg.Client({ connectionString: databaseUrl });
  const dbError = await db.connect().then(
    () => null,
    (error: unknown) => `cannot reach PostgreSQL at DATABASE_URL: ${String(error)}`,
  );
  await db.end().catch(() => undefined);
  if (dbError !== null) return dbError;
  const nc = await connect({ servers: natsUrl, reconnect: false }).catch(() => null);
  if (nc === null) return `cannot reach NATS at ${natsUrl} (start nats-server with -js, or set NATS_URL)`;
  await nc.close();
  return null;
}

async function main(): Promise<void> {
  const problem = await reachable();
  if (problem !== null) {
    console.error(`pnpm cluster: ${problem}`);
    process.exit(2);
  }
  mkdirSync(logDir, { recursive: true });
  const env = {
    DATABASE_URL: databaseUrl as string,
    NATS_URL: natsUrl,
    SHARDS: String(shards),
    ENGINE_MAX_SHARDS: String(Math.ceil(shards / 2)),
  };
  const started: Array<{ role: string; process: ServerProcess }> = [];
  const start = async (role: string, rolePort = 0) => {
    const child = await spawnServer({ args: [], port: rolePort, env: { ...env, ROLE: role }, timeoutMs: 60_000 });
    const name = `${role}-${started.filter((s) => s.role === role).length + 1}`;
    const file = createWriteStream(path.join(logDir, `${name}.log`));
    createInterface({ input: child.child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      file.write(`${line}\n`);
      if (/"level":"(warn|error)"/.test(line)) console.log(`${name.padEnd(10)} ${line}`);
    });
    started.push({ role, process: child });
    console.log(`${name.padEnd(10)} ${child.url}  (pid ${child.child.pid})`);
  };
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // Gateways first (no new commands), engines last (they drain and snapshot).
    for (const role of ["gateway", "feed", "engine"]) {
      await Promise.all(started.filter((s) => s.role === role).map((s) => s.process.stop()));
    }
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());

  await start("feed");
  await start("feed");
  for (let i = 0; i < 3; i++) await start("engine");
  await start("gateway", port);
  await start("gateway", port + 1);
  console.log(`\nThe web app and the API: http://127.0.0.1:${port} and http://127.0.0.1:${port + 1} (the same cluster).`);
  console.log(`Logs: ${logDir}. Ctrl-C stops the cluster.`);
}

main().catch((error: unknown) => {
  console.error(`pnpm cluster: ${String(error)}`);
  process.exit(1);
});
