// What a cluster test leaves behind on the machine's PostgreSQL and NATS, removed: its shards'
// schemas, the cluster's schema, and its JetStream streams.
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import pg from "pg";
import { eventStreamName } from "../src/cluster/events.js";
import { tickStreamName } from "../src/cluster/feed.js";
import { shardSchema } from "../src/cluster/shards.js";

export async function dropCluster(databaseUrl: string, nats: NatsConnection | null, clusterName: string, shards: number): Promise<void> {
  if (nats !== null) {
    const jsm = await jetstreamManager(nats);
    for (const stream of [eventStreamName(clusterName), tickStreamName(clusterName)]) await jsm.streams.delete(stream).catch(() => false);
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  for (let shard = 0; shard < shards; shard++) await client.query(`DROP SCHEMA IF EXISTS ${shardSchema(clusterName, shard)} CASCADE`);
  await client.query(`DROP SCHEMA IF EXISTS ${clusterName} CASCADE`);
  await client.end();
}
