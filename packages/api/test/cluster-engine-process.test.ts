// Engine processes (ROLE=engine) on the machine's PostgreSQL and NATS (run when both are there,
// which CI makes sure of): the first owns the shards, the second waits as a standby; SIGKILL the
// owner and the standby takes over; SIGSTOP an owner past its lease and a standby takes over, and
// the frozen one, woken, gives its shards up.
import { SEED_INSTRUMENTS } from "@trading/engine";
import { afterAll, expect, it } from "vitest";
import { ShardRouter } from "../src/cluster/commands.js";
import type { ServerProcess } from "../dist/spawn.js";
import { clusterEnv, dropCluster, startRole, until, describeWithCluster } from "./cluster-helpers.js";

const SHARDS = 2;
const LEASE_MS = 1_000;

interface Ready {
  ready: boolean;
  shards: number[];
}

async function readiness(engine: ServerProcess): Promise<Ready> {
  return (await (await fetch(`${engine.url}/readyz`)).json()) as Ready;
}

describeWithCluster("engine processes", ({ databaseUrl, nats, natsUrl }) => {
  const clusterName = `proc_${process.pid}_${Date.now() % 1_000_000}`;
  const engines: ServerProcess[] = [];
  const engine = async () => {
    const started = await startRole("engine", clusterEnv({ databaseUrl, natsUrl, clusterName, shards: SHARDS, leaseMs: LEASE_MS }));
    engines.push(started);
    return started;
  };

  afterAll(async () => {
    for (const e of engines) {
      e.child.kill("SIGCONT");
      await e.stop();
    }
    await dropCluster(databaseUrl, nats, clusterName, SHARDS);
    await nats.close();
  });

  it("hands shards to a standby when their owner is killed or frozen, without losing what was acknowledged", async () => {
    const first = await engine();
    const second = await engine();
    expect(await readiness(first)).toMatchObject({ ready: true, shards: [0, 1] });
    expect(await readiness(second)).toMatchObject({ ready: false, shards: [] });
    expect((await fetch(`${second.url}/readyz`)).status).toBe(503);

    const router = new ShardRouter(nats, { clusterName, shards: SHARDS, requestTimeoutMs: 5_000, deadlineMs: 10_000 });
    const seed = SEED_INSTRUMENTS[0];
    if (seed === undefined) throw new Error("no seeded instrument");
    const { volatility: _v, typicalVolume: _t, ...instrument } = seed;
    expect((await router.broadcast({ kind: "addInstrument", instrument })).every((r) => r.ok)).toBe(true);
    const users = Array.from({ length: 10 }, (_, i) => `p${i}`);
    for (const userId of users) expect((await router.submit(userId, { kind: "openAccount", userId, cash: 100 })).ok).toBe(true);

    first.child.kill("SIGKILL");
    const tookOver = await until(async () => (await readiness(second)).shards.length === SHARDS, LEASE_MS * 5);
    // A lease and a third of one at most, and the replay of a short journal.
    expect(tookOver).toBeLessThan(LEASE_MS * 2 + 2_000);
    for (const userId of users) {
      expect(await router.submit(userId, { kind: "openAccount", userId, cash: 100 })).toMatchObject({
        ok: false,
        code: "ACCOUNT_EXISTS",
      });
    }

    // The standby that took over says so in its metrics, shard by shard.
    const metrics = await (await fetch(`${second.url}/metrics`)).text();
    expect(metrics).toContain("trading_shards_owned 2");
    expect(metrics).toContain("trading_shard_takeovers 2");
    expect(metrics).toMatch(/trading_shard_epoch\{shard="0"\} 2/);
    expect(metrics).toMatch(/trading_shard_queue\{shard="1"\} 0/);

    const third = await engine();
    second.child.kill("SIGSTOP");
    await until(async () => (await readiness(third)).shards.length === SHARDS, LEASE_MS * 5);
    second.child.kill("SIGCONT");
    await until(async () => (await readiness(second)).shards.length === 0, LEASE_MS * 3);
    expect(await router.submit("p0", { kind: "openAccount", userId: "p0", cash: 100 })).toMatchObject({
      ok: false,
      code: "ACCOUNT_EXISTS",
    });
    expect((await router.submit("new", { kind: "openAccount", userId: "new", cash: 100 })).ok).toBe(true);
  });
});
