// Engines sharing shards through PostgreSQL (run when DATABASE_URL is set, which CI does): a
// standby takes over the shards of an engine that stops renewing its leases, with everything the
// old owner acknowledged, and the old owner, woken, acknowledges nothing more and gives up.
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { NotOwnerError } from "../src/command-queue.js";
import { ShardHost } from "../src/cluster/shard-host.js";
import { ShardOwnership } from "../src/cluster/ownership.js";
import { shardSchema } from "../src/cluster/shards.js";
import { createLogger } from "../src/log.js";
import { until } from "./cluster-helpers.js";

const databaseUrl = process.env.DATABASE_URL;
const LEASE_MS = 600;

if (databaseUrl === undefined) {
  describe("engines sharing shards on PostgreSQL", () => {
    it.skip("not run: DATABASE_URL is not set (CI sets it to the machine's PostgreSQL)", () => undefined);
  });
} else {
  describe("engines sharing shards on PostgreSQL", () => {
    const clusterName = `host_${process.pid}_${Date.now()}`;
    const ownership = new ShardOwnership(databaseUrl, clusterName);
    const hosts: ShardHost[] = [];
    const host = (maxShards: number) => {
      const made = new ShardHost({
        ownership,
        databaseUrl,
        clusterName,
        shards: 3,
        maxShards,
        leaseMs: LEASE_MS,
        log: createLogger("silent"),
        queue: { snapshotEvery: 1_000 },
      });
      hosts.push(made);
      return made;
    };

    afterAll(async () => {
      for (const h of hosts) await h.stop();
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      for (let shard = 0; shard < 3; shard++) await client.query(`DROP SCHEMA IF EXISTS ${shardSchema(clusterName, shard)} CASCADE`);
      await client.end();
      await ownership.dropSchema();
      await ownership.close();
    });

    it("hands a frozen engine's shards to a standby, which goes on from what was acknowledged", async () => {
      await ownership.ensure(3);
      const a = host(2);
      await a.start();
      const b = host(3);
      await b.start();
      expect(a.shards).toEqual([0, 1]);
      expect(b.shards).toEqual([2]);

      const queue = a.queue(0);
      const open = (userId: string) => queue?.submit((stamp) => ({ kind: "openAccount", time: stamp.time, userId, cash: 100 }));
      for (const userId of ["u1", "u2", "u3"]) expect((await open(userId))?.ok).toBe(true);

      a.freeze();
      const took = await until(() => b.shards.length === 3, LEASE_MS * 4);
      // Within a lease and a turn of the standby (a third of a lease), and the replay.
      expect(took).toBeLessThan(LEASE_MS * 2 + 1_000);
      expect(b.takeovers).toBe(2);
      expect(["u1", "u2", "u3"].map((u) => b.queue(0)?.engine.hasAccount(u))).toEqual([true, true, true]);

      // Its lease ran out while it was frozen, so it does not answer reads for the shard any more.
      expect([a.holds(0), a.holds(1), b.holds(0)]).toEqual([false, false, true]);
      // Woken, the old owner believes it still owns shard 0: the fence refuses it, and it gives up.
      await expect(open("late")).rejects.toThrow(NotOwnerError);
      await a.thaw();
      expect(a.shards).toEqual([]);
      expect(b.queue(0)?.engine.hasAccount("late")).toBe(false);
      expect((await ownership.owners()).map((o) => o.owner)).toEqual([b.ownerId, b.ownerId, b.ownerId]);
    });
  });
}
