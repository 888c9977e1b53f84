// How long a standby engine takes to serve a shard whose owner died, with EVENTS journaled events
// on the shard (default 1,000,000): the claim, loading the newest snapshot and replaying the
// journal after it. The wait for the dead owner's lease to run out comes before this and is the
// lease itself (SHARD_LEASE_MS, at most a third more for the standby's next turn). Needs
// DATABASE_URL. Run: `DATABASE_URL=postgres://... node --import tsx bench/takeover.ts`.
import { SEED_INSTRUMENTS } from "@trading/engine";
import pg from "pg";
import { EventBus } from "../src/bus.js";
import { CommandQueue } from "../src/command-queue.js";
import { ShardOwnership } from "../src/cluster/ownership.js";
import { ShardHost } from "../src/cluster/shard-host.js";
import { shardSchema } from "../src/cluster/shards.js";
import { createLogger } from "../src/log.js";
import { PostgresStorage } from "../src/storage/postgres.js";

const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl === undefined) throw new Error("set DATABASE_URL");
const EVENTS = Number(process.env.EVENTS ?? 1_000_000);
const SNAPSHOT_EVERY = Number(process.env.SNAPSHOT_EVERY ?? 250_000);
const clusterName = `takeover_${process.pid}`;
const log = createLogger("silent");

const ownership = new ShardOwnership(databaseUrl, clusterName);
await ownership.ensure(1);
const claim = await ownership.claim(0, "bench-owner", 600_000);
if (claim === null) throw new Error("could not claim the shard");
const storage = new PostgresStorage(databaseUrl, shardSchema(clusterName, 0), { table: ownership.table, ...claim, staleAfterMs: 600_000 });
await storage.init();
const queue = await CommandQueue.open(storage, new EventBus(1_000), { snapshotEvery: SNAPSHOT_EVERY, idSpace: { index: 0, count: 1 } });

// Ticks of one instrument that cross nothing: one event each. The last command stops short of a
// snapshot, so the standby replays the most a shard can have after its newest one.
const { volatility: _v, typicalVolume: _t, ...instrument } = SEED_INSTRUMENTS[0] as (typeof SEED_INSTRUMENTS)[number];
await queue.submit((stamp) => ({ kind: "addInstrument", time: stamp.time, instrument }));
const started = performance.now();
const CHUNK = 5_000;
for (let done = 1; done < EVENTS - 1;) {
  const n = Math.min(CHUNK, EVENTS - 1 - done);
  const price = (i: number) => instrument.price + ((i % 2) + 1) * instrument.tickSize;
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      queue.submit((stamp) => ({ kind: "tick", time: stamp.time, symbol: instrument.symbol, price: price(done + i), volume: 1 })),
    ),
  );
  done += n;
}
const pumpSeconds = (performance.now() - started) / 1000;
const events = queue.engine.lastSeq;
// The owner dies: no final snapshot, no release; its lease is made to run out now.
const raw = new pg.Client({ connectionString: databaseUrl });
await raw.connect();
await raw.query(`UPDATE ${ownership.table} SET lease_until = now() - interval '1 second' WHERE shard = 0`);

const standby = new ShardHost({
  ownership,
  databaseUrl,
  clusterName,
  shards: 1,
  maxShards: 1,
  leaseMs: 3_000,
  log,
  queue: { snapshotEvery: SNAPSHOT_EVERY },
});
const takeoverStart = performance.now();
await standby.start();
const takeoverMs = performance.now() - takeoverStart;
const recovered = standby.queue(0)?.engine.lastSeq;
if (recovered !== events) throw new Error(`the standby recovered ${String(recovered)} events of ${events}`);
console.log(
  JSON.stringify({
    name: "takeover",
    events,
    snapshot_every: SNAPSHOT_EVERY,
    replayed_after_snapshot: (events - 1) % SNAPSHOT_EVERY,
    takeover_ms: Math.round(takeoverMs),
    pump_seconds: Math.round(pumpSeconds),
  }),
);

await standby.stop();
await storage.close();
await raw.query(`DROP SCHEMA IF EXISTS ${shardSchema(clusterName, 0)} CASCADE`);
await raw.end();
await ownership.dropSchema();
await ownership.close();
