// What the cluster tests share: the services they need (describeWithCluster), waiting for a
// condition, starting a process of a role, and
// removing what a test leaves on the machine's PostgreSQL and NATS (its shards' schemas, the
// cluster's schema and directory, and its JetStream streams).
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import pg from "pg";
import { describe, it } from "vitest";
import { spawnServer, type ServerProcess } from "../dist/spawn.js";
import { eventStreamName } from "../src/cluster/events.js";
import { marketStreamName } from "../src/cluster/market-stream.js";
import { shardSchema } from "../src/cluster/shards.js";

export async function dropCluster(databaseUrl: string, nats: NatsConnection | null, clusterName: string, shards: number): Promise<void> {
  if (nats !== null) {
    const jsm = await jetstreamManager(nats);
    for (const stream of [eventStreamName(clusterName), marketStreamName(clusterName)]) await jsm.streams.delete(stream).catch(() => false);
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  for (let shard = 0; shard < shards; shard++) await client.query(`DROP SCHEMA IF EXISTS ${shardSchema(clusterName, shard)} CASCADE`);
  await client.query(`DROP SCHEMA IF EXISTS ${clusterName} CASCADE`);
  await client.query(`DROP SCHEMA IF EXISTS ${clusterName}_directory CASCADE`);
  await client.end();
}

/** Waits until `check` holds, checking every 25 ms; the milliseconds it took. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return performance.now() - started;
}

/** The settings every process of a test's cluster shares. */
export function clusterEnv(options: {
  databaseUrl: string;
  natsUrl: string;
  clusterName: string;
  shards: number;
  leaseMs: number;
}): Record<string, string> {
  return {
    DATABASE_URL: options.databaseUrl,
    NATS_URL: options.natsUrl,
    CLUSTER_NAME: options.clusterName,
    SHARDS: String(options.shards),
    SHARD_LEASE_MS: String(options.leaseMs),
    // A new cluster's past takes seconds to store: the tests that look at it ask for it.
    HISTORY_DAYS: "0",
  };
}

/** Starts a process of a cluster role on the machine's PostgreSQL and NATS. */
export function startRole(role: string, env: Record<string, string>): Promise<ServerProcess> {
  return spawnServer({ args: [], env: { ROLE: role, ...env } });
}

const databaseUrl = process.env.DATABASE_URL;
const natsUrl = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
const nats = await connect({ servers: natsUrl, reconnect: false }).catch(() => null);

/**
 * Tests that need the machine's PostgreSQL and NATS (CI starts both): run with them, or, where
 * either is missing, one test that says plainly what was not run and why.
 */
export function describeWithCluster(
  title: string,
  body: (services: { databaseUrl: string; nats: NatsConnection; natsUrl: string }) => void,
): void {
  if (databaseUrl === undefined || nats === null) {
    describe(title, () => {
      it.skip(`not run: ${databaseUrl === undefined ? "DATABASE_URL is not set" : `no NATS at ${natsUrl}`} (CI starts both)`, () =>
        undefined);
    });
    return;
  }
  describe(title, () => body({ databaseUrl, nats, natsUrl }));
}
