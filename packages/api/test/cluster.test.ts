// The whole cluster with real processes on the machine's PostgreSQL and NATS (run when both are
// there, which CI makes sure of), a fresh CLUSTER_NAME per run: 2 gateways, 2 engines and a
// standby, 2 feeds. Orders for 50 users go through gateway A while each user's live order updates
// stream from gateway B; mid-load an engine is SIGKILLed, the other SIGSTOPped past its lease and
// woken, and the leading feed SIGKILLed. Then: every acknowledged order exists once, no journal
// entry of an owner that lost its shard follows its successor's, each shard's journal replays to
// its live accounts, every subscriber got exactly the stored events (half of them across a
// reconnect to gateway A), the market stream has no gap and every shard applied all of it, and a
// key revoked through one gateway closes its socket on the other.
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Engine, type Command } from "@trading/engine";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { createTradingClient, type TradingClient } from "../dist/client.js";
import { CLOSE_KEY_REVOKED } from "../dist/links.js";
import type { ServerProcess } from "../dist/spawn.js";
import { marketStreamName } from "../src/cluster/market-stream.js";
import { shardOf, shardSchema } from "../src/cluster/shards.js";
import { clusterEnv, dropCluster, startRole, until, describeWithCluster } from "./cluster-helpers.js";

const SHARDS = 4;
const USERS = 50;
const LEASE_MS = 1_000;

interface Update {
  seq: number;
  type: string;
  order: { orderId: string };
}

describeWithCluster("a whole cluster", ({ databaseUrl, nats, natsUrl }) => {
  const clusterName = `whole_${process.pid}_${Date.now() % 1_000_000}`;
  const processes: ServerProcess[] = [];
  const clients: TradingClient[] = [];
  const db = new pg.Client({ connectionString: databaseUrl });
  const env = { ...clusterEnv({ databaseUrl, natsUrl, clusterName, shards: SHARDS, leaseMs: LEASE_MS }), ENGINE_MAX_SHARDS: "2" };
  const start = async (role: string) => {
    const started = await startRole(role, env);
    if (process.env.CLUSTER_TEST_LOGS !== undefined)
      started.child.stdout?.pipe(
        (await import("node:fs")).createWriteStream(`${process.env.CLUSTER_TEST_LOGS}/${role}-${processes.length}.log`),
      );
    processes.push(started);
    return started;
  };
  const status = async (p: ServerProcess) => (await fetch(`${p.url}/readyz`).catch(() => null))?.status;

  afterAll(async () => {
    for (const client of clients) client.close();
    for (const p of processes) {
      if (p.child.signalCode === "SIGSTOP") p.child.kill("SIGCONT");
      await p.stop();
    }
    await db.end();
    await dropCluster(databaseUrl, nats, clusterName, SHARDS);
    await nats.close();
  }, 60_000);

  it("loses nothing acknowledged and applies nothing twice through engine and feed failures", async () => {
    await db.connect();
    const engines = [await start("engine"), await start("engine"), await start("engine")];
    const feeds = [await start("feed"), await start("feed")];
    const [gatewayA, gatewayB] = [await start("gateway"), await start("gateway")] as [ServerProcess, ServerProcess];
    await until(async () => (await status(gatewayA)) === 200 && (await status(gatewayB)) === 200, 15_000);
    expect((await Promise.all(engines.map(status))).sort()).toEqual([200, 200, 503]);

    const admin = createTradingClient({ url: gatewayA.url, apiKey: "admin-key" });
    clients.push(admin);
    const users = await Promise.all(
      Array.from({ length: USERS }, async (_, i) => {
        const userId = `user${i}`;
        const { apiKey, keyId } = await admin.admin.createUser.mutate({ userId, displayName: `User ${i}`, cash: 1_000_000 });
        return { userId, apiKey, keyId, shard: shardOf(userId, SHARDS) };
      }),
    );

    // Each user's shard is recorded with the user.
    expect(
      (await db.query(`SELECT user_id, shard FROM ${clusterName}_directory.users WHERE user_id LIKE 'user%' ORDER BY created_at`)).rows,
    ).toEqual(expect.arrayContaining(users.map((u) => ({ user_id: u.userId, shard: u.shard }))));

    // Each user's updates, live from gateway B (a key made on A works on B once B has heard of it).
    const received = new Map<string, Update[]>();
    const closedWith = new Map<string, number | undefined>();
    const subscribe = (user: (typeof users)[number], url: string, lastEventId?: string) => {
      const client = createTradingClient({
        url,
        apiKey: user.apiKey,
        onSocketClose: (cause) => closedWith.set(user.userId, cause?.code),
      });
      clients.push(client);
      const subscription = client.orders.onUpdate.subscribe(lastEventId === undefined ? undefined : { lastEventId }, {
        onData: ({ data }) => {
          const list = received.get(user.userId) ?? [];
          list.push(data);
          received.set(user.userId, list);
        },
      });
      return { client, subscription };
    };
    await until(
      async () => (await fetch(`${gatewayB.url}/api/v1/funds`, { headers: { "x-api-key": users[USERS - 1]?.apiKey ?? "" } })).ok,
      5_000,
    );
    const onB = new Map(users.map((user) => [user.userId, subscribe(user, gatewayB.url)]));

    // Load: each user places orders through gateway A, retrying a failure with the same clientOrderId.
    const acknowledged = new Map<string, { userId: string; clientOrderId: string }>();
    let failures = 0;
    let loading = true;
    const traders = users.map(async (user, u) => {
      const client = createTradingClient({ url: gatewayA.url, apiKey: user.apiKey });
      clients.push(client);
      for (let n = 0; loading; n++) {
        const clientOrderId = `c${u}-${n}`;
        const order =
          n % 2 === 0
            ? ({ symbol: "INFY", side: "BUY", type: "MARKET", quantity: 1, clientOrderId } as const)
            : ({ symbol: "TCS", side: "BUY", type: "LIMIT", quantity: 1, price: 2800, clientOrderId } as const);
        for (let attempt = 0; attempt < 20; attempt++) {
          try {
            const placed = await client.orders.place.mutate(order);
            acknowledged.set(placed.orderId, { userId: user.userId, clientOrderId });
            break;
          } catch {
            failures++;
            await new Promise((resolve) => setTimeout(resolve, 250));
          }
        }
      }
    });
    const ordersSoFar = async (count: number) => until(() => acknowledged.size >= count, 20_000);

    await ordersSoFar(200);
    const owners = async () =>
      (await db.query(`SELECT shard, epoch, owner FROM ${clusterName}.shard_owners WHERE shard >= 0 ORDER BY shard`)).rows as Array<{
        shard: number;
        epoch: string;
        owner: string;
      }>;
    // SIGKILL an owning engine: the standby takes its shards.
    const owning: ServerProcess[] = [];
    for (const e of engines) if ((await status(e)) === 200) owning.push(e);
    const [victim, sleeper] = owning as [ServerProcess, ServerProcess];
    victim.child.kill("SIGKILL");
    await ordersSoFar(acknowledged.size + 200);
    // Half the subscribers move to gateway A, resuming from the last event they had.
    for (const user of users.filter((_, i) => i % 2 === 0)) {
      const moving = onB.get(user.userId);
      moving?.subscription.unsubscribe();
      moving?.client.close();
      const list = received.get(user.userId) ?? [];
      onB.set(user.userId, subscribe(user, gatewayA.url, String(list[list.length - 1]?.seq)));
    }
    // A new standby, then freeze the other owner past its lease: the standby takes its shards.
    engines.push(await start("engine"));
    const sleeperId = ((await (await fetch(`${sleeper.url}/readyz`)).json()) as { owner: string }).owner;
    sleeper.child.kill("SIGSTOP");
    await until(async () => (await owners()).every((o) => o.owner !== sleeperId), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 3 * LEASE_MS));
    sleeper.child.kill("SIGCONT");
    await ordersSoFar(acknowledged.size + 200);
    // SIGKILL the leading feed: the other leads.
    const leader = (await status(feeds[0] as ServerProcess)) === 200 ? 0 : 1;
    feeds[leader]?.child.kill("SIGKILL");
    await until(async () => (await status(feeds[1 - leader] as ServerProcess)) === 200, 10_000);
    await ordersSoFar(acknowledged.size + 200);
    loading = false;
    await Promise.all(traders);
    // The woken owner found it had lost its shards and stepped down.
    await until(async () => (await status(sleeper)) === 503, 10_000);
    console.info(`cluster test: ${acknowledged.size} orders acknowledged, ${failures} attempts failed during takeovers`);

    // Pause the feed so that nothing changes while the state is compared.
    await admin.admin.pauseFeed.mutate();
    const schemas = Array.from({ length: SHARDS }, (_, shard) => shardSchema(clusterName, shard));

    // Every acknowledged order is stored exactly once, and no clientOrderId placed two orders.
    const stored = new Map<string, { user_id: string; client_order_id: string }>();
    for (const schema of schemas) {
      for (const row of (await db.query(`SELECT order_id, user_id, client_order_id FROM ${schema}.orders`)).rows as Array<{
        order_id: string;
        user_id: string;
        client_order_id: string;
      }>) {
        expect(stored.has(row.order_id)).toBe(false);
        stored.set(row.order_id, row);
      }
    }
    for (const [orderId, { userId, clientOrderId }] of acknowledged) {
      expect(stored.get(orderId)).toMatchObject({ user_id: userId, client_order_id: clientOrderId });
    }
    const keys = [...stored.values()].map((o) => `${o.user_id}/${o.client_order_id}`);
    expect(new Set(keys).size).toBe(keys.length);

    // No journal entry of an owner that had lost the shard: epochs never go back.
    for (const schema of schemas) {
      const epochs = ((await db.query(`SELECT epoch FROM ${schema}.journal ORDER BY journal_id`)).rows as Array<{ epoch: string }>).map(
        (r) => Number(r.epoch),
      );
      expect(epochs.length).toBeGreaterThan(0);
      for (let i = 1; i < epochs.length; i++) expect(epochs[i]).toBeGreaterThanOrEqual(epochs[i - 1] as number);
    }
    // Takeovers happened: some shard is on its third owner (the killed one's and the frozen one's).
    expect(Math.max(...(await owners()).map((o) => Number(o.epoch)))).toBeGreaterThanOrEqual(2);

    // The market stream has no gap, and every shard applied every command in it, in order.
    const jsm = await jetstreamManager(nats);
    const info = await jsm.streams.info(marketStreamName(clusterName));
    expect(info.state.first_seq).toBe(1);
    expect(info.state.messages).toBe(info.state.last_seq);
    const consumer = await jetstream(nats).consumers.get(marketStreamName(clusterName));
    const commandSeqs: number[] = [];
    const batch = await consumer.fetch({ max_messages: info.state.messages });
    for await (const m of batch) {
      if (m.json<{ command: unknown }>().command !== null) commandSeqs.push(m.seq);
      if (m.seq === info.state.last_seq) break;
    }
    const journal = async (schema: string) =>
      ((await db.query(`SELECT command FROM ${schema}.journal ORDER BY journal_id`)).rows as Array<{ command: string }>).map(
        (r) => JSON.parse(r.command) as Command,
      );
    for (const schema of schemas) {
      const applied = async () => (await journal(schema)).flatMap((c) => ("feedSeq" in c && c.feedSeq !== undefined ? [c.feedSeq] : []));
      await until(async () => (await applied()).length >= commandSeqs.length, 10_000);
      expect(await applied()).toEqual(commandSeqs);
    }

    // Each shard's journal replays to the accounts its engine holds now.
    for (const user of users) {
      const replayed = Engine.replay(await journal(schemas[user.shard] as string), { idSpace: { index: user.shard, count: SHARDS } });
      const client = createTradingClient({ url: gatewayB.url, apiKey: user.apiKey });
      clients.push(client);
      const funds = await client.funds.get.query();
      expect(Math.round(funds.cash * 100)).toBe(replayed.funds(user.userId)?.cash);
      expect(Math.round(funds.blocked * 100)).toBe(replayed.funds(user.userId)?.blocked);
      const open = await client.orders.list.query({ open: true, limit: 200 });
      expect(open.items.map((o) => o.orderId).sort()).toEqual(
        replayed
          .orders(user.userId, { open: true })
          .map((o) => o.orderId)
          .sort(),
      );
    }

    // Every subscriber got exactly the user's stored order events after its snapshot: no gap, no duplicate.
    for (const user of users) {
      const events = async () =>
        (
          (
            await db.query(`SELECT seq FROM ${schemas[user.shard]}.events WHERE user_id = $1 AND order_id IS NOT NULL ORDER BY seq`, [
              user.userId,
            ])
          ).rows as Array<{ seq: string }>
        ).map((r) => Number(r.seq));
      const list = () => received.get(user.userId) ?? [];
      // After its snapshot, or from its first event when it started with no open order.
      const first = list()[0];
      const start = first === undefined ? 0 : first.type === "snapshot" ? first.seq : first.seq - 1;
      const expected = (await events()).filter((seq) => seq > start);
      expect(expected.length).toBeGreaterThan(0);
      await until(() => (list()[list().length - 1]?.seq ?? 0) >= (expected[expected.length - 1] ?? 0), 10_000);
      expect(
        list()
          .filter((u) => u.type !== "snapshot")
          .map((u) => u.seq),
      ).toEqual(expected);
    }

    // A key revoked through gateway A closes its socket on gateway B.
    const revoked = users[1] as (typeof users)[number];
    await admin.admin.revokeKey.mutate({ keyId: revoked.keyId });
    await until(() => closedWith.get(revoked.userId) === CLOSE_KEY_REVOKED, 5_000);
  }, 180_000);
});
