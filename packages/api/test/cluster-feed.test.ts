// The cluster's feed with real processes (run when PostgreSQL and NATS are there, which CI makes
// sure of): two feed processes, one leading, which lists the seeded instruments; SIGKILL the leader
// and the other carries on the same seeded walk from the last tick published; an admin's set price
// and pause take their place in the stream; every shard applies every market command, once, in order.
import { jetstream } from "@nats-io/jetstream";
import { SEED_INSTRUMENTS } from "@trading/engine";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { walkOf } from "../src/cluster/feed.js";
import { feedControl } from "../src/cluster/feed-control.js";
import { MarketReplica } from "../src/cluster/market.js";
import { marketStreamName, type MarketMessage } from "../src/cluster/market-stream.js";
import { shardSchema } from "../src/cluster/shards.js";
import type { ServerProcess } from "../dist/spawn.js";
import { clusterEnv, dropCluster, startRole, until, describeWithCluster } from "./cluster-helpers.js";

const SHARDS = 2;
const TICKS_PER_SECOND = 2;
const SEED = 7;

describeWithCluster("the cluster's feed", ({ databaseUrl, nats, natsUrl }) => {
  const clusterName = `feed_${process.pid}_${Date.now() % 1_000_000}`;
  const processes: ServerProcess[] = [];
  const db = new pg.Client({ connectionString: databaseUrl });
  const start = async (role: string) => {
    const env = {
      ...clusterEnv({ databaseUrl, natsUrl, clusterName, shards: SHARDS, leaseMs: 1_000 }),
      FEED_TICKS_PER_SECOND: String(TICKS_PER_SECOND),
      FEED_SEED: String(SEED),
    };
    const started = await startRole(role, env);
    processes.push(started);
    return started;
  };
  const leading = async (feed: ServerProcess) => (await fetch(`${feed.url}/readyz`).catch(() => null))?.status === 200;

  afterAll(async () => {
    for (const p of processes) await p.stop();
    await db.end();
    await dropCluster(databaseUrl, nats, clusterName, SHARDS);
    await nats.close();
  });

  it("hands the walk from a killed leader to the other feed with no gap or jump, and every shard applies every market command", async () => {
    await db.connect();
    await start("engine");
    const feeds = [await start("feed"), await start("feed")];
    await until(async () => (await leading(feeds[0] as ServerProcess)) || (await leading(feeds[1] as ServerProcess)), 5_000);
    const leader = (await leading(feeds[0] as ServerProcess)) ? 0 : 1;
    // A gateway's copy of the market, following the stream from the start.
    const replica = await MarketReplica.start(nats, clusterName);
    const stream = async () =>
      (await (await import("@nats-io/jetstream")).jetstreamManager(nats)).streams.info(marketStreamName(clusterName));
    await until(async () => (await stream()).state.messages >= SEED_INSTRUMENTS.length + 20, 10_000);
    feeds[leader]?.child.kill("SIGKILL");
    const before = (await stream()).state.messages;
    await until(async () => (await stream()).state.messages >= before + 20, 10_000);

    // An admin's controls reach the new leader: a refusal as the engines give it, a set price the walk goes on from, a pause.
    const control = feedControl(nats, { clusterName, requestTimeoutMs: 2_000, deadlineMs: 5_000 });
    expect(await control({ op: "command", command: { kind: "tick", symbol: "NOPE", price: 100, volume: 1 } })).toMatchObject({
      ok: false,
      code: "UNKNOWN_INSTRUMENT",
    });
    const set = await control({ op: "command", command: { kind: "tick", symbol: "INFY", price: 160_000, volume: 10 } });
    expect(set).toMatchObject({ ok: true });
    await replica.progress.reached((set as { feedSeq: number }).feedSeq);
    expect(replica.engine.quote("INFY")?.lastTradedPrice).toBe(160_000);
    // A band, as every engine keeps it: the leader refuses a price outside it with the engines' reason.
    const banded = {
      symbol: "BANDED",
      name: "Banded Ltd",
      exchange: "NSE",
      instrumentType: "EQ",
      tickSize: 5,
      lotSize: 1,
      price: 100_00,
      band: 5,
    } as const;
    expect(await control({ op: "command", command: { kind: "addInstrument", instrument: banded } })).toMatchObject({ ok: true });
    expect(await control({ op: "command", command: { kind: "tick", symbol: "BANDED", price: 106_00, volume: 1 } })).toMatchObject({
      ok: false,
      code: "PRICE_OUTSIDE_BAND",
    });
    expect(await control({ op: "pause" })).toMatchObject({ ok: true, running: false });
    const paused = (await stream()).state.messages;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await stream()).state.messages).toBe(paused);
    expect(await control({ op: "resume" })).toMatchObject({ ok: true, running: true });
    await until(async () => (await stream()).state.messages >= paused + 10, 10_000);
    await feeds[1 - leader]?.stop();

    // The whole stream, in order: the seeded instruments first, then each tick is the walk's next step from the state before it.
    const total = (await stream()).state.messages;
    const consumer = await jetstream(nats).consumers.get(marketStreamName(clusterName));
    const messages: Array<{ seq: number; body: MarketMessage }> = [];
    for (const batch = await consumer.fetch({ max_messages: total }); messages.length < total;) {
      for await (const m of batch) messages.push({ seq: m.seq, body: m.json<MarketMessage>() });
      break;
    }
    expect(messages.map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(messages.slice(0, SEED_INSTRUMENTS.length).map((m) => m.body.command)).toEqual(
      SEED_INSTRUMENTS.map(({ volatility: _v, typicalVolume: _t, ...instrument }) => ({ kind: "addInstrument", instrument })),
    );
    let walked = 0;
    for (let i = 1; i < messages.length; i++) {
      const command = messages[i]?.body.command;
      if (command?.kind !== "tick" || (command.symbol === "INFY" && command.price === 160_000)) continue;
      const next = walkOf(messages[i - 1]?.body.state as MarketMessage["state"], SEED, TICKS_PER_SECOND)?.next(0);
      expect([command.symbol, command.price]).toEqual([next?.symbol, next?.price]);
      walked++;
    }
    expect(walked).toBeGreaterThan(40);

    // Every shard journals every market command once, in the stream's order.
    const commands = messages.filter((m) => m.body.command !== null).map((m) => m.seq);
    for (let shard = 0; shard < SHARDS; shard++) {
      const feedSeqs = async () =>
        (
          (await db.query(`SELECT command FROM ${shardSchema(clusterName, shard)}.journal ORDER BY journal_id`)).rows as Array<{
            command: string;
          }>
        )
          .map((r) => JSON.parse(r.command) as { kind: string; feedSeq?: number })
          .filter((c) => c.feedSeq !== undefined)
          .map((c) => c.feedSeq);
      await until(async () => (await feedSeqs()).length >= commands.length, 10_000);
      expect(await feedSeqs()).toEqual(commands);
    }
    // The replica has shard 0's last price of every instrument, as shard 0 has.
    const shard0 = async () =>
      ((await db.query(`SELECT payload FROM ${shardSchema(clusterName, 0)}.events ORDER BY seq`)).rows as Array<{ payload: string }>).map(
        (r) => JSON.parse(r.payload) as { seq: number; type: string; symbol?: string; price?: number },
      );
    await until(async () => replica.lastSeq >= total, 10_000);
    const lastPrice = new Map<string, number>();
    for (const event of await shard0()) if (event.type === "price.tick") lastPrice.set(event.symbol as string, event.price as number);
    expect(lastPrice.size).toBeGreaterThan(0);
    for (const [symbol, price] of lastPrice) expect(replica.engine.quote(symbol)?.lastTradedPrice).toBe(price);
    expect(replica.engine.instruments()).toHaveLength(SEED_INSTRUMENTS.length + 1);
    await replica.stop();
  });

  it("opens and closes the sessions by the NSE calendar on the leader's clock", async () => {
    const calendarCluster = `${clusterName}_cal`;
    const feed = await startRole("feed", {
      ...clusterEnv({ databaseUrl, natsUrl, clusterName: calendarCluster, shards: SHARDS, leaseMs: 1_000 }),
      FEED_TICKS_PER_SECOND: "1",
      MARKET_CALENDAR: "nse",
      // Monday 7 December 2026, two market minutes before the open, at a market minute a second.
      MARKET_CLOCK_START: "2026-12-07T09:13:00+05:30",
      MARKET_CLOCK_SPEED: "60",
    });
    try {
      await until(async () => (await fetch(`${feed.url}/readyz`)).status === 200, 5_000);
      // A new market starts open: the leader closes it before it lists anything (so no shard ever
      // fills an order in a market the calendar has closed), then opens it at 09:15.
      const commands = async () => {
        const jsm = await (await import("@nats-io/jetstream")).jetstreamManager(nats);
        const info = await jsm.streams.info(marketStreamName(calendarCluster));
        const consumer = await jetstream(nats).consumers.get(marketStreamName(calendarCluster));
        const kinds: string[] = [];
        const batch = await consumer.fetch({ max_messages: info.state.messages });
        for await (const m of batch) {
          const command = m.json<MarketMessage>().command;
          if (command !== null) kinds.push(command.kind);
          if (m.seq === info.state.last_seq) break;
        }
        return kinds;
      };
      const sessions = async () => (await commands()).filter((kind) => kind === "openSession" || kind === "closeSession");
      await until(async () => (await sessions()).length >= 2, 10_000);
      expect(await sessions()).toEqual(["closeSession", "openSession"]);
      expect((await commands())[0]).toBe("closeSession");
    } finally {
      await feed.stop();
      await dropCluster(databaseUrl, nats, calendarCluster, SHARDS);
    }
  });
});
