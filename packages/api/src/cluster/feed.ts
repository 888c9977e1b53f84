// The price feed of a cluster and the only writer of its market stream (market-stream.ts). Feed
// processes elect a leader through PostgreSQL (the feed's row in the ownership table, held on a
// lease like a shard). The leader publishes the ticks of its random walk and, on an admin's
// request (feed-control.ts), instruments, set prices, sessions and pauses. Each publish expects the
// stream's last sequence to be the one it published last, so a leader that lost its lease cannot
// publish after its successor. A new leader reads the last message and carries on from its state:
// no gap in the sequence, no jump in price. The first leader lists the seeded instruments.
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import {
  GbmFeed,
  SEED_INSTRUMENTS,
  type CalendarName,
  type ChargeRates,
  type Engine,
  type OpeningPrice,
  type ReasonCode,
} from "@trading/engine";
import { sessionCommand, sessionStepAt, squareOffMinute } from "../sessions.js";
import { DEFAULT_SQUARE_OFF_TIME } from "../config.js";
import { TickSchedule } from "../tick-schedule.js";
import type { Logger } from "../log.js";
import { feedControlSubject, type FeedReply, type FeedRequest } from "./feed-control.js";
import {
  engineCommand,
  ensureMarketStream,
  marketStreamName,
  marketSubject,
  type FeedState,
  type MarketCommand,
  type MarketMessage,
  type WalkedInstrument,
} from "./market-stream.js";
import { MarketReplica } from "./market.js";
import { FEED_LEADERSHIP, type ShardClaim, type ShardOwnership } from "./ownership.js";

export interface FeedLeaderOptions {
  nc: NatsConnection;
  ownership: ShardOwnership;
  clusterName: string;
  leaseMs: number;
  /** Ticks per second per instrument. */
  ticksPerSecond: number;
  seed: number;
  log: Logger;
  /** The leader moves the sessions by the calendar on `now`'s clock (see sessions.ts); default `always`. */
  calendar?: CalendarName | undefined;
  now?: (() => number) | undefined;
  /** The rates every shard charges trades at (see the engine's charges); none when absent. */
  chargeRates?: ChargeRates | null | undefined;
  /** When every shard squares off intraday positions, in minutes after midnight IST (see config's SQUARE_OFF_TIME). */
  squareOffMinute?: number | undefined;
}

const FRESH_STATE: FeedState = { instruments: [], walk: null, marketOpen: true, paused: false, seeded: false };

export class FeedLeader {
  private claim: ShardClaim | null = null;
  private state: FeedState = FRESH_STATE;
  private walk: GbmFeed | null = null;
  /** This leader's copy of the market, the stream applied (see resume). */
  private market: Engine | null = null;
  private lastStreamSeq = 0;
  private ticks: TickSchedule | null = null;
  private leaseTimer: NodeJS.Timeout | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private control: Subscription | null = null;
  /** The end of the work in turn (see inTurn). */
  private turn: Promise<unknown> = Promise.resolve();
  private ticking = false;
  private stopped = false;
  private js: JetStreamClient | null = null;
  private jsm: JetStreamManager | null = null;
  readonly owner = `feed-${Math.random().toString(36).slice(2, 10)}`;
  /** Ticks this process published since start. */
  published = 0;

  constructor(private readonly options: FeedLeaderOptions) {}

  get leading(): boolean {
    return this.claim !== null;
  }

  async start(): Promise<void> {
    this.jsm = await jetstreamManager(this.options.nc);
    this.js = jetstream(this.options.nc);
    await ensureMarketStream(this.jsm, this.options.clusterName);
    await this.keepLease();
    this.leaseTimer = setInterval(() => void this.keepLease(), Math.max(50, Math.floor(this.options.leaseMs / 3)));
  }

  /** Renews the lease held, or tries to take it; a leader that lost it stops publishing. */
  private async keepLease(): Promise<void> {
    if (this.stopped) return;
    const { ownership, leaseMs, log } = this.options;
    try {
      if (this.claim !== null) {
        if (!(await ownership.renew(this.claim, leaseMs))) this.stepDown("lease lost");
        return;
      }
      const claim = await ownership.claim(FEED_LEADERSHIP, this.owner, leaseMs);
      if (claim === null) return;
      await this.resume();
      this.claim = claim;
      log.info("leading the feed", { epoch: claim.epoch, from: this.lastStreamSeq });
      // A new market starts open: the calendar's session goes first, so that no shard ever holds a
      // listed instrument in a market the calendar has closed.
      await this.inTurn(() => this.followCalendar());
      if (!this.state.seeded) await this.listSeeds();
      await this.ensureChargeRates();
      this.control = this.options.nc.subscribe(feedControlSubject(this.options.clusterName), {
        callback: (error, msg) => {
          if (error === null) void this.answer(msg.json<FeedRequest>()).then((reply) => msg.respond(JSON.stringify(reply)));
        },
      });
      this.schedule();
    } catch (error) {
      log.error("feed lease failed", { error: String(error) });
    }
  }

  /**
   * Carries on from the last message published, by whichever leader published it, with a copy of
   * the market made from the whole stream: every command is checked on it first (what it refuses,
   * every engine would refuse), and the walk stops at its bands.
   */
  private async resume(): Promise<void> {
    const { clusterName, nc } = this.options;
    const replica = await MarketReplica.start(nc, clusterName);
    const last = await (this.jsm as JetStreamManager).streams
      .getMessage(marketStreamName(clusterName), { last_by_subj: marketSubject(clusterName) })
      .catch(() => null);
    if (last !== null) await replica.progress.reached(last.seq);
    await replica.stop();
    this.market = replica.engine;
    this.setState(last === null ? FRESH_STATE : last.json<MarketMessage>().state);
    this.lastStreamSeq = last === null ? 0 : last.seq;
  }

  private setState(state: FeedState): void {
    this.state = state;
    this.walk = walkOf(state, this.options.seed, this.options.ticksPerSecond);
  }

  /** The first leader lists the seeded instruments (a successor finishes what it began). */
  private async listSeeds(): Promise<void> {
    for (const seed of SEED_INSTRUMENTS) {
      if (this.state.instruments.some((i) => i.symbol === seed.symbol)) continue;
      const { volatility: _v, typicalVolume: _t, ...instrument } = seed;
      await this.inTurn(() => this.applyAndPublish({ kind: "addInstrument", instrument }, (state) => listed(state, this.walked(seed))));
    }
    await this.inTurn(() => this.publish(null, (state) => ({ ...state, seeded: true })));
  }

  /**
   * Every shard charges at the configured rates: the leader publishes them when its market differs
   * (every engine refuses a change while it has an open order, as this copy of the market has none).
   */
  private async ensureChargeRates(): Promise<void> {
    const rates = this.options.chargeRates ?? null;
    if (JSON.stringify(this.market?.chargeRates ?? null) === JSON.stringify(rates)) return;
    await this.inTurn(() => this.applyAndPublish({ kind: "setChargeRates", rates }));
  }

  /** Ticks spread over each second, each instrument in turn (as one process's feed does). */
  private schedule(): void {
    if (this.tickTimer !== null) clearInterval(this.tickTimer);
    const instruments = Math.max(1, this.state.instruments.length);
    // Without ticks (FEED_TICKS_PER_SECOND=0) the turn still comes four times a second, for the calendar.
    const every = this.options.ticksPerSecond > 0 ? 1000 / (this.options.ticksPerSecond * instruments) : 250;
    this.ticks = new TickSchedule(Math.max(1, every));
    this.tickTimer = setInterval(() => void this.tick(), Math.max(1, every));
  }

  private async tick(): Promise<void> {
    if (this.claim === null || this.ticking) return;
    this.ticking = true;
    try {
      await this.inTurn(async () => {
        await this.followCalendar();
        // Every tick due since the last turn (see tick-schedule.ts): a busy process does not slow the market.
        const due = this.ticks?.due() ?? 0;
        for (let i = 0; i < due; i++) {
          if (this.walk === null || this.state.paused || !this.state.marketOpen || this.options.ticksPerSecond <= 0) return;
          const { symbol, price, volume } = this.walk.next(this.now());
          const command = { kind: "tick" as const, symbol, price: this.withinBand(symbol, price), volume };
          if ((await this.applyAndPublish(command)).ok) this.published += 1;
        }
      });
    } catch (error) {
      // Another leader published meanwhile (this one's lease ran out), or NATS failed.
      this.stepDown(String(error));
    } finally {
      this.ticking = false;
    }
  }

  /**
   * The sessions follow the calendar (see sessions.ts for one process): the leader publishes each
   * change among the ticks, the auction with the walk's opening prices.
   */
  private async followCalendar(): Promise<void> {
    const calendar = this.options.calendar ?? "always";
    if (this.market === null) return;
    const time = this.now();
    const step = sessionStepAt(
      calendar,
      this.market,
      time,
      this.options.squareOffMinute ?? squareOffMinute({ squareOffTime: DEFAULT_SQUARE_OFF_TIME }),
    );
    if (step === null) return;
    const command = sessionCommand(step, () => this.openingPrices(time));
    const result = await this.applyAndPublish(command, this.changeOf(command));
    if (result.ok) this.options.log.info("session", { step, phase: this.market.phase });
  }

  /** The market's clock (the wall clock unless simulated): every shard applies the feed's commands at its time. */
  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** The walk's next step for every instrument, within its band; the walk goes on from there. */
  private openingPrices(time: number): OpeningPrice[] {
    if (this.walk === null) return [];
    return this.walk.openingPrices(time).map((p) => ({ ...p, price: this.withinBand(p.symbol, p.price) }));
  }

  /** An admin's request: checked as every engine will check it, then published (or refused). */
  private async answer(request: FeedRequest): Promise<FeedReply> {
    if (this.claim === null) return { notLeader: true };
    try {
      return await this.inTurn(async (): Promise<FeedReply> => {
        if (request.op === "pause" || request.op === "resume") {
          const feedSeq = await this.publish(null, (state) => ({ ...state, paused: request.op === "pause" }));
          return { ok: true, feedSeq, running: !this.state.paused };
        }
        const result = await this.applyAndPublish(request.command, this.changeOf(request.command));
        return result.ok ? { ok: true, feedSeq: result.feedSeq, running: !this.state.paused } : result;
      });
    } catch (error) {
      this.stepDown(String(error));
      return { notLeader: true };
    }
  }

  /**
   * Applies `command` to this leader's copy of the market as every engine will (it becomes the
   * next message, so its place is known), then publishes it; a command the copy refuses is not
   * published, and the refusal is the answer.
   */
  private async applyAndPublish(
    command: MarketCommand,
    change?: (state: FeedState) => FeedState,
  ): Promise<{ ok: true; feedSeq: number } | { ok: false; code: ReasonCode; message: string }> {
    const result = (this.market as Engine).apply(engineCommand(command, this.now(), this.lastStreamSeq + 1));
    if (!result.ok) return { ok: false, code: result.code, message: result.message };
    return { ok: true, feedSeq: await this.publish(command, change) };
  }

  /** An instrument just listed, as the walk steps it: by the tick size the market gives it. */
  private walked(instrument: WalkedInstrument): WalkedInstrument {
    return { ...instrument, tickSize: this.market?.quote(instrument.symbol)?.tickSize ?? instrument.tickSize };
  }

  /** A walk that reaches its instrument's band stops there (the circuit) and goes on from there. */
  private withinBand(symbol: string, price: number): number {
    const band = this.market?.quote(symbol)?.band;
    if (band === null || band === undefined) return price;
    const within = Math.min(Math.max(price, band.lower), band.upper);
    if (within !== price) this.walk?.setPrice(symbol, within);
    return within;
  }

  /** What an admin's market command changes in the feed's state besides the market. */
  private changeOf(command: MarketCommand): (state: FeedState) => FeedState {
    switch (command.kind) {
      case "addInstrument":
        return (state) => listed(state, this.walked(command.instrument));
      case "tick":
        // A set price: the walk goes on from there.
        return (state) => {
          const index = state.instruments.findIndex((i) => i.symbol === command.symbol);
          if (state.walk === null || index < 0) return state;
          const prices = state.walk.prices.slice();
          prices[index] = command.price;
          return { ...state, walk: { ...state.walk, prices } };
        };
      case "startPreOpen":
      case "openSession":
        // A new day's tick sizes (see the engine's price rules): the walk steps by them.
        return (state) => ({
          ...state,
          marketOpen: command.kind === "openSession",
          instruments: state.instruments.map((i) => ({ ...i, tickSize: this.market?.quote(i.symbol)?.tickSize ?? i.tickSize })),
        });
      case "openingAuction":
        // The walk goes on from the opening prices.
        return (state) => state;
      case "setChargeRates":
      case "squareOff":
        return (state) => state;
      case "closeSession":
        return (state) => ({ ...state, marketOpen: false });
    }
  }

  /** Runs `work` after the work before it: each publish expects the sequence the one before it got, and each check sees the state it publishes on. */
  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const next = this.turn.then(work);
    this.turn = next.catch(() => undefined);
    return next;
  }

  /** Publishes a command with the feed's state after it (`change` makes what the command changes besides the walk); answers its stream sequence. */
  private async publish(command: MarketCommand | null, change: (state: FeedState) => FeedState = (state) => state): Promise<number> {
    const state = change({ ...this.state, walk: this.walk?.state() ?? null });
    const message: MarketMessage = { time: this.now(), command, state };
    const ack = await (this.js as JetStreamClient).publish(marketSubject(this.options.clusterName), JSON.stringify(message), {
      expect: { lastSequence: this.lastStreamSeq },
    });
    this.lastStreamSeq = ack.seq;
    const instruments = this.state.instruments.length;
    this.setState(state);
    if (this.state.instruments.length !== instruments && this.claim !== null) this.schedule();
    return ack.seq;
  }

  private stepDown(why: string): void {
    if (this.claim === null) return;
    this.options.log.warn("no longer leading the feed", { why });
    this.claim = null;
    this.control?.unsubscribe();
    this.control = null;
    if (this.tickTimer !== null) clearInterval(this.tickTimer);
    this.tickTimer = null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.leaseTimer !== null) clearInterval(this.leaseTimer);
    const claim = this.claim;
    this.stepDown("stopping");
    await this.turn;
    if (claim !== null) await this.options.ownership.release(claim).catch(() => undefined);
  }
}

/** The feed's walk in `state` (none before the first instrument: the first starts it from the seed). */
export function walkOf(state: FeedState, seed: number, ticksPerSecond: number): GbmFeed | null {
  if (state.instruments.length === 0) return null;
  return new GbmFeed({ seed, instruments: state.instruments, tickIntervalMs: 1000 / ticksPerSecond }, state.walk ?? undefined);
}

/** The state with an instrument listed: walked from its listing price. */
function listed(state: FeedState, instrument: WalkedInstrument): FeedState {
  const instruments = [...state.instruments, instrument];
  // The first instrument starts the walk from the seed (see walkOf).
  if (state.walk === null) return { ...state, instruments };
  return { ...state, instruments, walk: { ...state.walk, prices: [...state.walk.prices, instrument.price] } };
}
