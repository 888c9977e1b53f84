// Drives the market: a timer that turns the feed generator's ticks into engine commands. The
// generators themselves are pure (in the engine); the clock lives here.
import { readFileSync } from "node:fs";
import { GbmFeed, parseTickCsv, SEED_INSTRUMENTS, type OpeningPrice, type TickCommand } from "@trading/engine";
import type { CommandQueue, EngineReader } from "./command-queue.js";
import { TickSchedule } from "./tick-schedule.js";

/** Shares traded at the open of a replayed file's instrument (the file has no auction). */
const REPLAY_OPENING_VOLUME = 1_000;

export interface FeedOptions {
  ticksPerSecond: number;
  seed: number;
  csvFile?: string | undefined;
}

export class PriceFeed {
  private timer: NodeJS.Timeout | null = null;
  private ticks: TickSchedule | null = null;
  /** Ticks made since start (a metric: the feed's rate holds whatever the load). */
  produced = 0;
  private paused = false;
  private gbm: GbmFeed | null = null;
  private replay: TickCommand[] = [];
  private replayIndex = 0;
  private replayOffset = 0;

  constructor(
    private readonly queue: CommandQueue,
    private readonly options: FeedOptions,
  ) {}

  get running(): boolean {
    return this.timer !== null && !this.paused;
  }

  start(): void {
    if (this.options.csvFile !== undefined) this.loadCsv(this.options.csvFile);
    else this.gbm = this.createGbm(this.queue.engine);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.options.ticksPerSecond <= 0) return;
    // Instruments tick in turn, spread over the second, as a real feed's ticks arrive: not all at
    // once, which would make every subscriber wait for one burst of them.
    const instruments = Math.max(1, this.queue.engine.instruments().length);
    const every = Math.max(1, 1000 / (this.options.ticksPerSecond * (this.gbm === null ? 1 : instruments)));
    this.ticks = new TickSchedule(every);
    this.timer = setInterval(() => this.step(), every);
    this.timer.unref();
  }

  /** The walk restarts from the engine's current prices, so a restart or a set-price carries on from there. */
  private createGbm(engine: EngineReader): GbmFeed {
    const volatility = new Map(SEED_INSTRUMENTS.map((i) => [i.symbol, i]));
    const instruments = engine.instruments().map((i) => ({
      symbol: i.symbol,
      price: i.lastTradedPrice,
      tickSize: i.tickSize,
      volatility: volatility.get(i.symbol)?.volatility,
      typicalVolume: volatility.get(i.symbol)?.typicalVolume,
    }));
    if (instruments.length === 0)
      return new GbmFeed({ seed: this.options.seed, instruments: [{ symbol: "NONE", price: 100, tickSize: 5 }], tickIntervalMs: 1000 });
    return new GbmFeed({
      seed: this.options.seed + engine.lastSeq,
      instruments,
      tickIntervalMs: 1000 / Math.max(this.options.ticksPerSecond, 1),
    });
  }

  private loadCsv(file: string): void {
    const parsed = parseTickCsv(readFileSync(file, "utf8"));
    if (!parsed.ok) {
      const lines = parsed.errors.map((e) => `line ${e.line}: ${e.message}`).join("\n");
      throw new Error(`cannot replay ${file}:\n${lines}`);
    }
    this.replay = parsed.ticks;
  }

  /** Makes the ticks due since the last run (see tick-schedule.ts): a late timer does not slow the market. */
  private step(): void {
    const due = this.ticks?.due() ?? 0;
    if (due === 0 || this.paused || !this.queue.engine.marketOpen) return;
    // Do not pile up ticks behind a slow disk: skip the beat while commands are still queued.
    if (this.queue.queueLength > 1_000) return;
    const now = Date.now();
    const ticks =
      this.gbm !== null ? Array.from({ length: due }, () => this.withinBand((this.gbm as GbmFeed).next(now))) : this.nextReplayRound(now);
    for (const tick of ticks) {
      if (this.queue.engine.instrument(tick.symbol) === undefined) continue;
      this.produced += 1;
      this.queue.submit((stamp) => ({ ...tick, time: stamp.time })).catch(() => undefined);
    }
  }

  /** A walk that reaches its instrument's band stops there (the circuit) and goes on from there. */
  private withinBand(tick: TickCommand): TickCommand {
    const band = this.queue.engine.quote(tick.symbol)?.band;
    if (band === null || band === undefined) return tick;
    const price = Math.min(Math.max(tick.price, band.lower), band.upper);
    if (price === tick.price) return tick;
    this.gbm?.setPrice(tick.symbol, price);
    return { ...tick, price };
  }

  /** CSV replay: rows keep their spacing in time, shifted to now, and the file loops. */
  private nextReplayRound(now: number): TickCommand[] {
    if (this.replay.length === 0) return [];
    const first = this.replay[0] as TickCommand;
    if (this.replayIndex === 0) this.replayOffset = now - first.time;
    const due: TickCommand[] = [];
    while (this.replayIndex < this.replay.length) {
      const tick = this.replay[this.replayIndex] as TickCommand;
      if (tick.time + this.replayOffset > now) break;
      due.push(tick);
      this.replayIndex++;
    }
    if (this.replayIndex >= this.replay.length) this.replayIndex = 0;
    return due;
  }

  /**
   * The opening auction's prices: the walk's next step for every instrument, within its band; a
   * replayed file opens each instrument at its last price. The walk goes on from them.
   */
  openingPrices(time: number): OpeningPrice[] {
    if (this.gbm === null) {
      return this.queue.engine.instruments().map((i) => ({ symbol: i.symbol, price: i.lastTradedPrice, volume: REPLAY_OPENING_VOLUME }));
    }
    return this.gbm.openingPrices(time).map((p) => ({ ...p, price: this.withinBand({ kind: "tick", time, ...p }).price }));
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  /** After an admin changes instruments or prices, the walk continues from the engine's state. */
  refresh(): void {
    if (this.gbm === null) return;
    this.gbm = this.createGbm(this.queue.engine);
    if (this.timer !== null) this.schedule();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
