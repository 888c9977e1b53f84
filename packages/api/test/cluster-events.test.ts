// A shard's events on JetStream, across the death of its owner (run when PostgreSQL and NATS are
// there, which CI makes sure of): a reader of the shard's subject gets every committed order event
// once, in order, in batches whose ranges follow each other with no gap, the same as the shard's
// history in PostgreSQL.
import { jetstream } from "@nats-io/jetstream";
import { SEED_INSTRUMENTS, type EngineEvent } from "@trading/engine";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { ShardRouter, ShardUnavailableError } from "../src/cluster/commands.js";
import { eventStreamName, eventSubject, type EventBatch } from "../src/cluster/events.js";
import { shardOf, shardSchema } from "../src/cluster/shards.js";
import type { ServerProcess } from "../dist/spawn.js";
import { clusterEnv, dropCluster, startRole, until, describeWithCluster } from "./cluster-helpers.js";

const SHARDS = 2;

describeWithCluster("shard events on JetStream", ({ databaseUrl, nats, natsUrl }) => {
  const clusterName = `evt_${process.pid}_${Date.now() % 1_000_000}`;
  const engines: ServerProcess[] = [];
  const db = new pg.Client({ connectionString: databaseUrl });
  const engine = async () => {
    const started = await startRole("engine", clusterEnv({ databaseUrl, natsUrl, clusterName, shards: SHARDS, leaseMs: 1_000 }));
    engines.push(started);
    return started;
  };

  afterAll(async () => {
    for (const e of engines) await e.stop();
    await db.end();
    await dropCluster(databaseUrl, nats, clusterName, SHARDS);
    await nats.close();
  });

  it("gives a reader every committed event of a shard once, in order, through its owner's death", async () => {
    await db.connect();
    const owner = await engine();
    await engine();
    const router = new ShardRouter(nats, { clusterName, shards: SHARDS, requestTimeoutMs: 3_000, deadlineMs: 10_000 });
    const seed = SEED_INSTRUMENTS[0];
    if (seed === undefined) throw new Error("no seeded instrument");
    const { volatility: _v, typicalVolume: _t, ...instrument } = seed;
    await router.broadcast({ kind: "addInstrument", instrument });

    const received: EventBatch[] = [];
    const consumer = await jetstream(nats).consumers.get(eventStreamName(clusterName), { filter_subjects: eventSubject(clusterName, 0) });
    const messages = await consumer.consume();
    void (async () => {
      for await (const m of messages) received.push(m.json<EventBatch>());
    })();

    const users = Array.from({ length: 40 }, (_, i) => `ev${i}`).filter((u) => shardOf(u, SHARDS) === 0);
    for (const userId of users) await router.submit(userId, { kind: "openAccount", userId, cash: 1_00_000_00 });
    const buy = (userId: string) =>
      router
        .submit(userId, {
          kind: "placeOrder",
          userId,
          order: { symbol: instrument.symbol, side: "BUY", type: "MARKET", quantity: 1, validity: "DAY" },
        })
        .catch((error: unknown) => {
          // Sent to the owner as it died: not acknowledged, so it may or may not have happened.
          if (!(error instanceof ShardUnavailableError)) throw error;
        });
    const burst = Promise.all(users.flatMap((u) => [buy(u), buy(u)]));
    owner.child.kill("SIGKILL");
    await burst;
    for (const userId of users) await buy(userId);

    const last = async () =>
      Number(((await db.query(`SELECT MAX(seq) AS seq FROM ${shardSchema(clusterName, 0)}.events`)).rows[0] as { seq: string }).seq);
    const stored = await last();
    await until(() => (received[received.length - 1]?.upTo ?? 0) >= stored, 10_000);
    messages.stop();
    expect(received.map((b) => b.after)).toEqual([0, ...received.slice(0, -1).map((b) => b.upTo)]);
    const rows = (await db.query(`SELECT payload FROM ${shardSchema(clusterName, 0)}.events ORDER BY seq`)).rows as Array<{
      payload: string;
    }>;
    const orderEvents = rows.map((r) => JSON.parse(r.payload) as EngineEvent).filter((e) => "order" in e);
    expect(orderEvents.length).toBeGreaterThanOrEqual(users.length * 2);
    expect(received.flatMap((b) => b.events)).toEqual(orderEvents);
  });
});
