// Everything the server runs, wired together: storage, the single-writer command queue, the event bus,
// API keys and rate limits, the price feed and metrics. Procedures reach them through the context.
import { mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { SEED_INSTRUMENTS, type CommandResult, type ReasonCode } from "@trading/engine";
import { backfillPast } from "./backfill.js";
import { chargeRatesOf } from "./charges.js";
import { KeyRing, RateLimiter, type Limiter } from "./auth.js";
import { followCalendar } from "./sessions.js";
import { ensureConfiguredUsers } from "./users.js";
import { forgetOldClientOrderIds } from "./forgetting.js";
import { localAccounts, type AccountReader } from "./accounts.js";
import { EventBus } from "./bus.js";
import type { Config } from "./config.js";
import { CommandQueue, stampCommand, type CommandTemplate, type EngineReader } from "./command-queue.js";
import { PriceFeed } from "./feed.js";
import type { Logger } from "./log.js";
import { MarketClock } from "./market-clock.js";
import { Metrics } from "./metrics.js";
import { keepRecentFrom, ReplayTurns } from "./replay.js";
import { BackgroundSnapshots, snapshotThreadAvailable } from "./snapshots.js";
import { SqliteStorage } from "./storage/sqlite.js";
import type { Directory, History, Storage } from "./storage/storage.js";
import type { MarketCommand } from "./cluster/market-stream.js";

/** Where a stream's events come from: a bus, and the last event it has carried. */
export interface EventSource {
  bus: EventBus;
  readonly lastSeq: number;
  /** Whether the source carries event `seq` by `timeoutMs` (a gateway's copy may trail the shard). */
  reached(seq: number, timeoutMs: number): Promise<boolean>;
}

/** An admin's changes to the market: applied in one process, sent to the feed's leader in a cluster. */
export interface MarketControl {
  /** Lists an instrument, sets a price (a tick), opens or closes the session; settled once `engine` shows it. */
  apply(command: MarketCommand): Promise<{ ok: true } | { ok: false; code: ReasonCode; message: string }>;
  /** Pauses or resumes the feed's ticks; answers whether it runs. */
  setPaused(paused: boolean): Promise<boolean>;
}

/** What the API's procedures and transports use, in one process or on a cluster's gateway. */
export interface Platform {
  config: Config;
  log: Logger;
  /** Users, API keys and the audit log. */
  directory: Directory;
  /** The market to read instruments and quotes from (this process's engine, or a gateway's copy). */
  readonly engine: EngineReader;
  /** Users' accounts: funds, holdings, open orders (see accounts.ts). */
  accounts: AccountReader;
  /**
   * Where a user's history is (its orders, trades and events): one database here, the user's
   * shard's in a cluster.
   */
  historyOf(userId: string): History;
  /** Where market history is (candles): the same in every shard of a cluster. */
  marketHistory: History;
  /** A user's order events (one process: every event; a cluster: the user's shard's). */
  eventsOf(userId: string): EventSource;
  /** Market events (ticks). */
  marketEvents: EventSource;
  market: MarketControl;
  /** The market's clock (see market-clock.ts). */
  clock: MarketClock;
  keys: KeyRing;
  limiter: Limiter;
  /** Turns for subscribers' replays (see replay.ts). */
  replays: ReplayTurns;
  metrics: Metrics;
  /**
   * Submits a command (stamped with its time and order id by the writer that applies it) and
   * counts it in the metrics. A command names its user.
   */
  submit(template: CommandTemplate): Promise<CommandResult>;
  /** Whether requests can be served now, and what it depends on (the /readyz answer). */
  ready(): Promise<{ ready: boolean } & Record<string, unknown>>;
  /** Starts what runs in the background once the server listens (one process: the feed). */
  start(): void;
  close(): Promise<void>;
}

/** The single process: everything on one engine, its storage and its feed. */
export interface LocalPlatform extends Platform {
  storage: Storage;
  /** The single writer: every command goes through it, in order (use `submit`). */
  queue: CommandQueue;
  bus: EventBus;
  feed: PriceFeed;
}

export async function openStorage(config: Config): Promise<Storage> {
  if (config.databaseUrl !== undefined) {
    const { PostgresStorage } = await import("./storage/postgres.js");
    return new PostgresStorage(config.databaseUrl, config.databaseSchema);
  }
  makeDirectory(path.resolve(config.dataDir));
  return new SqliteStorage(path.join(config.dataDir, "trading.sqlite"));
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdirSync never returns for some paths (under
 * /proc, for one), where this fails with the reason.
 */
function makeDirectory(dir: string): void {
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (stat?.isDirectory() === true) return;
  const parent = path.dirname(dir);
  if (parent !== dir) makeDirectory(parent);
  mkdirSync(dir);
}

export async function createPlatform(config: Config, log: Logger, storage?: Storage): Promise<LocalPlatform> {
  const store = await claimStorage(config, log, storage);
  const bus = new EventBus(config.replayWindow);
  const background = backgroundSnapshots(store, log);
  // Commands carry the market's time (a simulated clock's, when one is set).
  const clock = new MarketClock(config);
  const queue = await CommandQueue.open(store, bus, {
    now: () => clock.now(),
    snapshotEvery: config.snapshotEvery,
    background,
    onWriteFailure: (cause, written) =>
      log.error(
        written ? "journal write reported a failure but the batch is on disk; acknowledged" : "journal write failed; the batch was refused",
        {
          error: cause instanceof Error ? cause.message : String(cause),
        },
      ),
  });
  await keepRecentFrom(store.history, bus.recent, queue.engine.lastSeq);
  const [lastEvent] = await store.history.events({ afterSeq: Math.max(0, queue.engine.lastSeq - 1), limit: 1 });
  if (lastEvent !== undefined) clock.resumeFrom(lastEvent.time);
  const keys = new KeyRing(store.directory);
  await keys.load();
  const metrics = new Metrics();
  const limiter = new RateLimiter(config.rateLimitPerSecond, config.rateLimitBurst);

  const submit = countedSubmit(queue, metrics);

  await bootstrap(config, queue, keys, submit, log, () => backfillPast(config, store.history, clock.now(), log));
  const feed = new PriceFeed(queue, { ticksPerSecond: config.feedTicksPerSecond, seed: config.feedSeed, csvFile: config.feedCsv });
  const stopForgetting = forgetOldClientOrderIds(queue, config.idempotencyMemorySeconds * 1000, log, () => clock.now());
  addGauges(metrics, bus, queue, background);
  metrics.addGauges(() => ({ trading_feed_ticks_produced: { help: "Ticks the feed made since start", value: feed.produced } }));

  const events: EventSource = {
    bus,
    get lastSeq() {
      return queue.engine.lastSeq;
    },
    reached: async (seq) => seq <= queue.engine.lastSeq,
  };
  let stopFollowing = () => undefined as void;
  const platform: LocalPlatform = {
    config,
    log,
    storage: store,
    directory: store.directory,
    queue,
    get engine() {
      return queue.engine;
    },
    accounts: localAccounts(() => queue.engine),
    historyOf: () => store.history,
    marketHistory: store.history,
    eventsOf: () => events,
    marketEvents: events,
    market: localMarket(queue, feed, submit),
    clock,
    bus,
    keys,
    limiter,
    replays: new ReplayTurns(),
    feed,
    metrics,
    submit,
    // Not ready while the journal cannot be written (a full disk, say): nothing would be accepted.
    ready: async () => {
      const writable = await queue.writable();
      return { ready: writable, journal: writable ? "writable" : "failing" };
    },
    start() {
      feed.start();
      stopFollowing = followCalendar(platform, () => feed.openingPrices(clock.now()), log);
    },
    async close() {
      stopFollowing();
      feed.stop();
      stopForgetting();
      await queue.close();
      bus.closeAll();
      metrics.close();
      await store.close();
    },
  };
  return platform;
}

/** The market changed by this process's own queue; the feed's walk carries on from the result. */
function localMarket(queue: CommandQueue, feed: PriceFeed, submit: Platform["submit"]): MarketControl {
  return {
    async apply(command) {
      const result = await submit(command);
      feed.refresh();
      return result.ok ? { ok: true } : { ok: false, code: result.code, message: result.message };
    },
    async setPaused(paused) {
      if (paused) feed.pause();
      else {
        feed.refresh();
        feed.resume();
      }
      return feed.running;
    },
  };
}

/** First start: the seeded instruments; every start: the demo users and the admin key, if configured. */
async function bootstrap(
  config: Config,
  queue: CommandQueue,
  keys: KeyRing,
  submit: Platform["submit"],
  log: Logger,
  backfillPast: () => Promise<void>,
): Promise<void> {
  if (queue.engine.instruments().length === 0) {
    for (const seed of SEED_INSTRUMENTS) {
      const { volatility: _v, typicalVolume: _t, ...instrument } = seed;
      await submit({ kind: "addInstrument", instrument });
    }
    log.info("seeded instruments", { count: SEED_INSTRUMENTS.length });
    await backfillPast();
  }
  await ensureChargeRates(config, queue.engine, submit, log);
  await ensureConfiguredUsers(
    config,
    keys,
    localAccounts(() => queue.engine),
    submit,
  );
}

/** The engine charges at the configured rates (a change waits until no order is open: it is refused till then). */
async function ensureChargeRates(config: Config, engine: CommandQueue["engine"], submit: Platform["submit"], log: Logger): Promise<void> {
  const rates = chargeRatesOf(config);
  if (JSON.stringify(engine.chargeRates) === JSON.stringify(rates)) return;
  const result = await submit({ kind: "setChargeRates", rates });
  if (result.ok) log.info("charge rates set", { charges: config.charges, effective: rates?.effective ?? null });
  else log.warn("charge rates not changed", { reason: result.message });
}

/** Claims the database for this server, then creates or migrates its schema. */
async function claimStorage(config: Config, log: Logger, storage: Storage | undefined): Promise<Storage> {
  const store = storage ?? (await openStorage(config));
  await store.lock((error) => {
    // Another server may now take the database: nothing more may be acknowledged from here.
    log.error("lost the lock on the database; stopping", { error: error.message });
    process.exit(1);
  });
  await store.init().catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  return store;
}

/** Snapshots while running are taken on their own thread when it is built (not from sources). */
function backgroundSnapshots(store: Storage, log: Logger): BackgroundSnapshots | undefined {
  if (!snapshotThreadAvailable()) return undefined;
  return new BackgroundSnapshots(
    store.location,
    (error) => log.error("background snapshot failed", { error: error.message }),
    (journalId) => log.info("snapshot stored", { journalId }),
  );
}

/** Submits through the queue and counts what happened in the metrics. */
function countedSubmit(queue: CommandQueue, metrics: Metrics): Platform["submit"] {
  return async (template) => {
    const started = performance.now();
    const result = await queue.submit((stamp) => stampCommand(template, stamp));
    metrics.commitSeconds.observe((performance.now() - started) / 1000);
    for (const event of result.events) {
      if (event.type === "order.accepted") metrics.ordersPlaced.inc();
      else if (event.type === "order.filled") metrics.fills.inc();
    }
    if (!result.ok) metrics.ordersRejected.inc({ reason: result.code });
    return result;
  };
}

function addGauges(metrics: Metrics, bus: EventBus, queue: CommandQueue, background: BackgroundSnapshots | undefined): void {
  metrics.addGauges(() => ({
    trading_event_subscribers: { help: "Open event subscriptions", value: bus.size },
    trading_exchange_queue: { help: "Commands waiting for the writer", value: queue.queueLength },
    trading_resting_orders: { help: "Orders resting in the books", value: queue.engine.restingOrderCount() },
    trading_closed_keyed_orders: {
      help: "Closed orders kept in memory for their clientOrderId (see IDEMPOTENCY_MEMORY_SECONDS)",
      value: queue.engine.closedKeyedOrderCount(),
    },
    trading_event_seq: { help: "Last event sequence number", value: queue.engine.lastSeq },
    trading_exchange_batches: { help: "Batches written since start (group commits)", value: queue.stats.batches },
    trading_exchange_commands: { help: "Commands applied since start", value: queue.stats.commands },
    trading_snapshot_journal_id: {
      help: "Journal id of the newest snapshot the snapshot thread stored since start",
      value: background?.lastStored ?? 0,
    },
    trading_snapshot_failures: { help: "Background snapshots that failed since start", value: background?.failures ?? 0 },
  }));
}
