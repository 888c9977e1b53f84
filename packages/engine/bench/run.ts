// Engine benchmarks: prints one JSON object per line. Run with `pnpm --filter @trading/engine bench`.
// Every figure is the median of several runs; the command stream is built before timing starts.
import os from "node:os";
import { performance } from "node:perf_hooks";
import { Engine, type Command } from "../src/index.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TICK = 5;
const BASE = 250_000; // ₹2,500.00
/**
 * Commands carry milliseconds since the epoch, as the server's do (a session opening at 09:15 IST),
 * not small counters: such times are too large for V8's small integers, so every time an event or
 * a trade holds is a number object of its own, in the server and here alike (an order record keeps
 * its times in two small integers each).
 */
const OPEN = Date.UTC(2026, 10, 24, 3, 45);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function print(record: Record<string, unknown>): void {
  console.log(JSON.stringify(record));
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * A market with `users` funded accounts and `symbols` instruments. Each account opens with ₹1 crore
 * (ten times the platform's default starting cash): enough that no order in these streams is
 * refused for funds, and amounts stay the size real accounts have.
 */
function setupCommands(users: number, symbols: number): Command[] {
  const commands: Command[] = [];
  for (let s = 0; s < symbols; s++) {
    commands.push({
      kind: "addInstrument",
      time: OPEN,
      instrument: {
        symbol: `SYM${s}`,
        name: `Symbol ${s}`,
        exchange: "NSE",
        instrumentType: "EQ",
        tickSize: TICK,
        lotSize: 1,
        price: BASE,
      },
    });
  }
  for (let u = 0; u < users; u++) commands.push({ kind: "openAccount", time: OPEN, userId: `u${u}`, cash: 10_000_000_00 });
  return commands;
}

/** Deterministic pseudo-random numbers for building streams (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/**
 * Resting orders the stream placed and has not cancelled, as parallel typed arrays: the harness
 * keeps one entry per order for the whole run, and as objects those would be garbage-collector work
 * billed to the engine.
 */
class RestingList {
  user = new Int32Array(1 << 16);
  order = new Int32Array(1 << 16);
  price = new Int32Array(1 << 16);
  length = 0;

  push(user: number, order: number, price: number): void {
    if (this.length === this.user.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.user = grow(this.user);
      this.order = grow(this.order);
      this.price = grow(this.price);
    }
    this.user[this.length] = user;
    this.order[this.length] = order;
    this.price[this.length] = price;
    this.length += 1;
  }

  /** Removes entry i by moving the last entry into its place. */
  removeAt(i: number): void {
    const last = this.length - 1;
    this.user[i] = this.user[last] as number;
    this.order[i] = this.order[last] as number;
    this.price[i] = this.price[last] as number;
    this.length = last;
  }
}

/**
 * The mixed stream: 40 % resting LIMIT placements (1-60 ticks below the market), 15 % MARKET
 * orders (a BUY, then a SELL of the same shares), 15 % cancels and 10 % modifies of earlier resting
 * orders, 20 % ticks that random-walk within ±20 ticks of the base price and so cross some orders.
 * Commands are made in small batches just before they are applied, as a server receives them, so
 * the engine is not timed reading a gigabyte of pre-built commands from cold memory nor its
 * collector copying thousands of not-yet-applied ones; only the apply loop is timed. User ids and
 * symbols are shared strings, as they are in the server (the user id comes from the authenticated
 * connection, the symbol from the instrument table), and order ids have the server's form `O<n>`.
 */
class MixedStream {
  private readonly random = rng(12345);
  private readonly resting = new RestingList();
  private readonly pendingSell: Array<{ userId: string; symbol: string }> = [];
  private readonly prices: number[];
  private readonly userIds: string[];
  private readonly symbolNames: string[];
  private nextId = 1;
  private time = OPEN;
  readonly mix = { limit: 0, market: 0, cancel: 0, modify: 0, tick: 0 };

  constructor(users: number, symbols: number) {
    this.prices = new Array<number>(symbols).fill(BASE);
    this.userIds = Array.from({ length: users }, (_, u) => `u${u}`);
    this.symbolNames = Array.from({ length: symbols }, (_, s) => `SYM${s}`);
  }

  batch(size: number): Command[] {
    const commands: Command[] = [];
    const { random, resting, pendingSell, prices, mix } = this;
    while (commands.length < size) {
      const time = ++this.time;
      const r = random();
      const s = Math.floor(random() * prices.length);
      const symbol = this.symbolNames[s] as string;
      const user = Math.floor(random() * this.userIds.length);
      const userId = this.userIds[user] as string;
      const ltp = prices[s] as number;
      if (r < 0.4) {
        // SELL limits need shares, so resting orders are BUYs; SELLs come from market round trips.
        const price = ltp - (1 + Math.floor(random() * 60)) * TICK;
        const orderNo = this.nextId++;
        commands.push({
          kind: "placeOrder",
          time,
          userId,
          orderId: `O${orderNo}`,
          order: { symbol, side: "BUY", type: "LIMIT", quantity: 1 + Math.floor(random() * 10), price, validity: "DAY" },
        });
        resting.push(user, orderNo, price);
        mix.limit++;
      } else if (r < 0.55) {
        const sell = pendingSell.pop();
        if (sell !== undefined) {
          commands.push({
            kind: "placeOrder",
            time,
            userId: sell.userId,
            orderId: `O${this.nextId++}`,
            order: { symbol: sell.symbol, side: "SELL", type: "MARKET", quantity: 1, validity: "DAY" },
          });
        } else {
          commands.push({
            kind: "placeOrder",
            time,
            userId,
            orderId: `O${this.nextId++}`,
            order: { symbol, side: "BUY", type: "MARKET", quantity: 1, validity: "DAY" },
          });
          pendingSell.push({ userId, symbol });
        }
        mix.market++;
      } else if (r < 0.7 && resting.length > 0) {
        const i = Math.floor(random() * resting.length);
        commands.push({
          kind: "cancelOrder",
          time,
          userId: this.userIds[resting.user[i] as number] as string,
          orderId: `O${resting.order[i]}`,
        });
        resting.removeAt(i);
        mix.cancel++;
      } else if (r < 0.8 && resting.length > 0) {
        const i = Math.floor(random() * resting.length);
        const price = (resting.price[i] as number) - TICK;
        resting.price[i] = price;
        commands.push({
          kind: "modifyOrder",
          time,
          userId: this.userIds[resting.user[i] as number] as string,
          orderId: `O${resting.order[i]}`,
          price,
        });
        mix.modify++;
      } else {
        const step = (Math.floor(random() * 9) - 4) * TICK;
        const next = Math.min(BASE + 20 * TICK, Math.max(BASE - 20 * TICK, ltp + step));
        prices[s] = next;
        commands.push({ kind: "tick", time, symbol, price: next, volume: 1 + Math.floor(random() * 40) });
        mix.tick++;
      }
    }
    return commands;
  }

  mixPercent(): Record<string, number> {
    const total = Object.values(this.mix).reduce((a, b) => a + b, 0);
    return Object.fromEntries(Object.entries(this.mix).map(([k, v]) => [k, Math.round((v / total) * 1000) / 10]));
  }
}

function benchMixed(): void {
  const COUNT = Number(process.env.BENCH_COMMANDS ?? 1_000_000);
  // About what the server's group commit hands the engine under load (30 to 60 commands).
  const BATCH = 64;
  const users = 1_000;
  const symbols = 20;
  const rates: number[] = [];
  let outcome = { accepted: 0, refused: 0, events: 0, resting_at_end: 0 };
  let mix: Record<string, number> = {};
  for (let run = 0; run < RUNS; run++) {
    // As in the server: history lives in the database, the engine keeps open state only.
    const engine = Engine.replay(setupCommands(users, symbols), { retainClosedOrders: false });
    const stream = new MixedStream(users, symbols);
    gc();
    let accepted = 0;
    let events = 0;
    let applied = 0;
    let seconds = 0;
    while (applied < COUNT) {
      const commands = stream.batch(Math.min(BATCH, COUNT - applied));
      const start = performance.now();
      for (let i = 0; i < commands.length; i++) {
        const result = engine.apply(commands[i] as Command);
        if (result.ok) accepted++;
        events += result.events.length;
      }
      seconds += (performance.now() - start) / 1000;
      applied += commands.length;
    }
    rates.push(applied / seconds);
    mix = stream.mixPercent();
    outcome = { accepted, refused: applied - accepted, events, resting_at_end: engine.restingOrderCount() };
  }
  print({
    name: "mixed",
    ops_per_sec: Math.round(median(rates)),
    runs: rates.map((r) => Math.round(r)),
    commands: COUNT,
    mix_percent: mix,
    outcome,
    target_ops_per_sec: 1_000_000,
  });
}

/**
 * Orders placed and cancelled at once, as a busy trader or an algorithm does, over 1,000 accounts
 * and an empty book: every placement takes the next order id and every cancel leaves its price
 * level empty. Nanoseconds per command (placements and cancels alike).
 */
function benchPlaceCancel(): void {
  const users = 1_000;
  const engine = Engine.replay(setupCommands(users, 1), { retainClosedOrders: false });
  const userIds = Array.from({ length: users }, (_, u) => `u${u}`);
  let nextId = 1;
  let time = OPEN;
  const round = (pairs: number): number => {
    const commands: Command[] = [];
    for (let i = 0; i < pairs; i++) {
      const userId = userIds[i % users] as string;
      const orderId = `O${nextId++}`;
      const price = BASE - (1 + (i % 50)) * TICK;
      time += 1;
      commands.push({
        kind: "placeOrder",
        time,
        userId,
        orderId,
        order: { symbol: "SYM0", side: "BUY", type: "LIMIT", quantity: 1, price, validity: "DAY" },
      });
      commands.push({ kind: "cancelOrder", time, userId, orderId });
    }
    const start = performance.now();
    for (const command of commands) {
      const result = engine.apply(command);
      if (!result.ok) throw new Error(`refused: ${result.message}`);
    }
    return ((performance.now() - start) * 1e6) / commands.length;
  };
  round(100_000); // warm-up
  const samples: number[] = [];
  for (let run = 0; run < RUNS; run++) samples.push(round(100_000));
  print({
    name: "place-cancel",
    ns_per_command: Math.round(median(samples)),
    runs: samples.map(Math.round),
    resting_at_end: engine.restingOrderCount(),
  });
}

/** Seconds per non-crossing tick with `resting` orders in the book, spread over many price levels. */
function tickCost(resting: number): number {
  const setup = setupCommands(1_000, 1);
  const engine = Engine.replay(setup);
  const levels = Math.min(resting, 20_000);
  for (let i = 0; i < resting; i++) {
    const level = 1 + (i % levels);
    const buy = i % 2 === 0;
    const price = buy ? BASE - level * TICK : BASE + 2 * TICK + level * TICK;
    const result = engine.apply(
      buy
        ? {
            kind: "placeOrder",
            time: OPEN,
            userId: `u${i % 1_000}`,
            orderId: `b${i}`,
            order: { symbol: "SYM0", side: "BUY", type: "LIMIT", quantity: 1, price, validity: "DAY" },
          }
        : {
            kind: "placeOrder",
            time: OPEN,
            userId: `u${i % 1_000}`,
            orderId: `s${i}`,
            order: { symbol: "SYM0", side: "BUY", type: "SL_M", quantity: 1, triggerPrice: price, validity: "DAY" },
          },
    );
    if (!result.ok) throw new Error(`setup order refused: ${result.message}`);
  }
  // Ticks move between the best bid and the nearest stop, crossing nothing.
  const TICKS = 200_000;
  const ticks: Command[] = [];
  for (let i = 0; i < TICKS; i++)
    ticks.push({ kind: "tick", time: OPEN + 1 + i, symbol: "SYM0", price: BASE + (i % 2) * TICK, volume: 10 });
  gc();
  const samples: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    for (const t of ticks) engine.apply(t);
    samples.push((performance.now() - start) / 1000 / TICKS);
  }
  if (engine.restingOrderCount() !== resting) throw new Error("a non-crossing tick filled something");
  return median(samples);
}

function benchTickScaling(): void {
  const small = tickCost(1_000);
  const large = tickCost(100_000);
  print({
    name: "tick-scaling",
    ratio: Math.round((large / small) * 100) / 100,
    ns_per_tick_1k: Math.round(small * 1e9),
    ns_per_tick_100k: Math.round(large * 1e9),
    target_ratio_max: 2,
  });
}

function benchMemory(): void {
  const ORDERS = 1_000_000;
  const engine = Engine.replay(setupCommands(1_000, 20), { retainClosedOrders: false });
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < ORDERS; i++) {
    const result = engine.apply({
      kind: "placeOrder",
      time: OPEN,
      userId: `u${i % 1_000}`,
      orderId: `O${i + 1}`,
      order: { symbol: `SYM${i % 20}`, side: "BUY", type: "LIMIT", quantity: 1, price: BASE - (1 + (i % 5_000)) * TICK, validity: "DAY" },
    });
    if (!result.ok) throw new Error(result.message);
  }
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  print({
    name: "memory-per-resting-order",
    bytes_per_order: Math.round((after - before) / ORDERS),
    resting_orders: engine.restingOrderCount(),
    heap_mb: Math.round(after / 1e6),
    note: "includes the order record, its history, indexes by id and user, and its place in the book",
  });
}

/**
 * How fast this machine is at the moment, for reading the other figures: on a shared VM the same
 * code measures 20-30 % apart from one minute to the next. Three fixed workloads, timed just before
 * and after the benchmarks: dependent loads at random over 64 MiB (what the engine mostly waits
 * for: an order, an account or a price level not in any cache), the same over 8 MiB (which the
 * processor's shared last-level cache holds when the machine's other tenants leave it room: near
 * the 64 MiB figure, they do not, and everything the engine keeps warm there is lost too), and a
 * small integer loop (pure CPU).
 */
function calibration(): { memory_ns_per_load: number; cache_ns_per_load: number; cpu_ns_per_step: number } {
  const memory = randomLoads(1 << 24); // 16 Mi slots of 4 bytes
  const cache = randomLoads(1 << 21);
  const cpu: number[] = [];
  let sink = 0;
  for (let run = 0; run < 5; run++) {
    const STEPS = 20_000_000;
    let x = run + 1;
    const start = performance.now();
    for (let i = 0; i < STEPS; i++) x = (Math.imul(x, 1_103_515_245) + 12_345) | 0;
    cpu.push(((performance.now() - start) * 1e6) / STEPS);
    sink += x;
  }
  if (sink === 0.5) console.log(sink); // keeps the loop from being optimised away
  return { memory_ns_per_load: memory, cache_ns_per_load: cache, cpu_ns_per_step: Math.round(median(cpu) * 100) / 100 };
}

/** Nanoseconds per load, each depending on the last, at random over `slots` 4-byte slots (median of 5). */
function randomLoads(slots: number): number {
  const next = new Int32Array(slots);
  const random = rng(7);
  // One random cycle through all slots (Sattolo's algorithm), so each load depends on the last.
  for (let i = 0; i < slots; i++) next[i] = i;
  for (let i = slots - 1; i > 0; i--) {
    const j = Math.floor(random() * i);
    const t = next[i] as number;
    next[i] = next[j] as number;
    next[j] = t;
  }
  const LOADS = 2_000_000;
  const samples: number[] = [];
  let at = 0;
  for (let run = 0; run < 5; run++) {
    const start = performance.now();
    for (let i = 0; i < LOADS; i++) at = next[at] as number;
    samples.push(((performance.now() - start) * 1e6) / LOADS);
  }
  if (at === -1) console.log(at); // keeps the loop from being optimised away
  return Math.round(median(samples) * 10) / 10;
}

const which = process.argv[2];
print({
  name: "machine",
  cpu: os.cpus()[0]?.model ?? "unknown",
  cores: os.cpus().length,
  // The cores this process may run on: 1 under `taskset -c 0`, the whole process (collector included) on one core.
  cores_usable: os.availableParallelism(),
  memory_gb: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  runs: RUNS,
  gc_exposed: typeof (globalThis as { gc?: unknown }).gc === "function",
});
// BENCH_CALIBRATE=0 leaves the calibration out (bench/instructions.ts counts instructions, not time).
const calibrate = process.env.BENCH_CALIBRATE !== "0";
if (calibrate) print({ name: "calibration", when: "before", ...calibration() });
if (which === undefined || which === "mixed") benchMixed();
if (which === undefined || which === "place-cancel") benchPlaceCancel();
if (which === undefined || which === "tick-scaling") benchTickScaling();
if (which === undefined || which === "memory") benchMemory();
if (calibrate) print({ name: "calibration", when: "after", ...calibration() });
