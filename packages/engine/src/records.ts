// The records the store keeps for instruments, accounts and holdings.
import { LimitBook, type AccountBook } from "./books.js";
import { PriceLadder } from "./ladder.js";
import { type Paise } from "./money.js";
import { bandLimits, bandPercents, flexedSteps, tickSizeFor, type BandLimits } from "./price-rules.js";
import type { InstrumentSpec, Millis, Trade } from "./types.js";
import { AccountOrders } from "./account-orders.js";
import type { DayTurnover } from "./charges/charges.js";
import type { OrderRecord } from "./order-record.js";
import type { Product } from "./charges/rates.js";

export class InstrumentRecord {
  /** The step prices move in now (reviewed at each session open under NSE's rule). */
  tickSize: Paise;
  /** Flexes of a dynamic band since the open (see price-rules.ts). */
  bandSteps = 0;
  /** Today's band, from `bandBase`; null without one. */
  band: BandLimits | null = null;
  /**
   * The price the tick size and band were last reviewed from: the previous close in a session; once
   * the market has closed, the day's last price, so the band is the next session's (as the exchange
   * publishes it after the close), and after-market orders are checked against it.
   */
  bandBase: Paise;
  lastTradedPrice: Paise;
  previousClose: Paise;
  open: Paise;
  high: Paise;
  low: Paise;
  volume = 0;
  /**
   * The last tick's time, NaN before the first. A number field, not `Millis | null`: V8 keeps a
   * number-only field's value inside the record, where a field that may hold null holds a pointer
   * to the command's own number object, kept alive by the record and stored through the write
   * barrier's slow path on every tick.
   */
  private lastTick = Number.NaN;
  /** Resting limits, apart by account (see books.ts): BUYs highest first, SELLs lowest first. */
  readonly buyLimits: LimitBook;
  readonly sellLimits: LimitBook;
  /** BUY stops trigger as the price rises: the lowest trigger is next. */
  readonly buyStops = new PriceLadder<OrderRecord>(false);
  /** SELL stops trigger as the price falls: the highest trigger is next. */
  readonly sellStops = new PriceLadder<OrderRecord>(true);

  get lastTickAt(): Millis | null {
    return Number.isNaN(this.lastTick) ? null : this.lastTick;
  }

  set lastTickAt(time: Millis | null) {
    this.lastTick = time ?? Number.NaN;
  }

  constructor(
    readonly spec: InstrumentSpec,
    /** Its place among the store's instruments (0, 1, 2...), for lookups by array index. */
    readonly ordinal: number,
  ) {
    this.buyLimits = new LimitBook(true, ordinal * 2);
    this.sellLimits = new LimitBook(false, ordinal * 2 + 1);
    this.lastTradedPrice = spec.price;
    this.previousClose = spec.price;
    this.open = spec.price;
    this.high = spec.price;
    this.low = spec.price;
    this.bandBase = spec.price;
    this.tickSize = spec.tickSizeRule === "nse" ? tickSizeFor(spec.price) : spec.tickSize;
    this.setBand(0);
  }

  /** The tick size reviewed (under NSE's rule) and the band set around `base`: at a new trading day, the previous close. */
  review(base: Paise = this.previousClose): void {
    this.bandBase = base;
    if (this.spec.tickSizeRule === "nse") this.tickSize = tickSizeFor(base);
    this.setBand(0);
  }

  /** After a trade at `price`: a dynamic band that it reached is flexed. */
  flexBand(price: Paise): void {
    if (this.spec.band !== "dynamic") return;
    const steps = flexedSteps(this.bandBase, this.bandSteps, price);
    if (steps !== this.bandSteps) this.setBand(steps);
  }

  setBand(steps: number): void {
    this.bandSteps = steps;
    const kind = this.spec.band;
    if (kind === undefined) {
      this.band = null;
      return;
    }
    const { down, up } = bandPercents(kind, steps);
    this.band = bandLimits(this.bandBase, down, up, this.tickSize);
  }
}

export class AccountRecord {
  /** Cash reserved for open BUY orders: always the sum of their `reserved`. */
  blocked: Paise = 0;
  /** True while the command being applied has changed this account (one funds event per command). */
  touched = false;
  /** By symbol, in the order first bought. */
  readonly holdings = new Map<string, HoldingRecord>();
  /** The user's orders in memory, oldest first (open ones only when closed orders are not retained). */
  readonly orders = new AccountOrders();
  /** Orders placed with a clientOrderId, by that id; null until the first. */
  clientOrderIds: Map<string, OrderRecord> | null = null;
  /** The user's trades, oldest first; empty when closed orders are not retained. */
  readonly trades: Trade[] = [];
  /** Today's fills as charges see them, for trading day `chargeDayOf`; null before the first charged fill. */
  chargeDay: DayTurnover | null = null;
  chargeDayOf = 0;
  /** The charges of trading day `chargeDayOf` so far. */
  chargesToday: Paise = 0;
  /** Every charge paid since the account opened or was reset. */
  chargesPaid: Paise = 0;
  /** Intraday (MIS) positions by symbol, open or closed today (see intraday.ts). */
  readonly positions = new Map<string, PositionRecord>();
  /** Margin held by the open intraday positions: always the sum of their `margin`. */
  marginUsed: Paise = 0;
  /** Today's trades by product and symbol (see `activityKey`), in the order first traded, for the positions view. */
  readonly activity = new Map<string, DayActivity>();
  /** The same by product and instrument ordinal, filled as they are looked up: no key string or hashing on a fill. */
  private readonly cncActivitySlots: Array<DayActivity | undefined> = [];
  private readonly misActivitySlots: Array<DayActivity | undefined> = [];

  constructor(
    readonly userId: string,
    public cash: Paise,
    /** All cash ever put in (opening balance and resets), the base of total P&L. */
    public deposited: Paise,
  ) {}

  /** This account's resting limits, by book (see `LimitBook.slot`): no hashing on a placement. */
  readonly limitBooks: Array<AccountBook | undefined> = [];

  /** The same holdings by instrument ordinal, filled as they are looked up: no hashing on a fill. */
  private readonly holdingSlots: Array<HoldingRecord | undefined> = [];

  /** The holding of an instrument, created empty when there is none. */
  getOrCreateHolding(instrument: InstrumentRecord): HoldingRecord {
    let holding = this.holdingSlots[instrument.ordinal];
    if (holding === undefined) {
      const symbol = instrument.spec.symbol;
      holding = this.holdings.get(symbol);
      if (holding === undefined) {
        holding = { symbol, quantity: 0, reserved: 0, costBasis: 0, realizedPnl: 0, boughtToday: 0, boughtTodayCost: 0, boughtOnDay: 0 };
        this.holdings.set(symbol, holding);
      }
      this.holdingSlots[instrument.ordinal] = holding;
    }
    return holding;
  }

  /** Puts back a holding read from a snapshot. */
  restoreHolding(holding: HoldingRecord): void {
    this.holdings.set(holding.symbol, { ...holding });
  }

  /** The holding of an instrument, if there is one. */
  holding(instrument: InstrumentRecord): HoldingRecord | undefined {
    return this.holdingSlots[instrument.ordinal] ?? this.holdings.get(instrument.spec.symbol);
  }

  clearHoldings(): void {
    this.holdings.clear();
    this.holdingSlots.length = 0;
    this.positions.clear();
    this.marginUsed = 0;
    this.activity.clear();
    this.cncActivitySlots.length = 0;
    this.misActivitySlots.length = 0;
  }

  /** The intraday position in an instrument, created flat when there is none. */
  getOrCreatePosition(symbol: string): PositionRecord {
    let position = this.positions.get(symbol);
    if (position === undefined) {
      position = { symbol, quantity: 0, costBasis: 0, margin: 0, realizedPnl: 0, openOrders: new Set() };
      this.positions.set(symbol, position);
    }
    return position;
  }

  /** Today's activity in a product and symbol, started afresh on a new trading day. */
  activityOf(product: Product, instrument: InstrumentRecord, day: number): DayActivity {
    const slots = product === "MIS" ? this.misActivitySlots : this.cncActivitySlots;
    const known = slots[instrument.ordinal];
    if (known !== undefined && known.day === day) return known;
    const symbol = instrument.spec.symbol;
    const key = activityKey(product, symbol);
    let activity = this.activity.get(key);
    if (activity === undefined || activity.day !== day) {
      activity = { product, symbol, day, buyQuantity: 0, buyValue: 0, sellQuantity: 0, sellValue: 0 };
      // A key already there keeps its place: positions stay in the order first traded.
      this.activity.set(key, activity);
    }
    slots[instrument.ordinal] = activity;
    return activity;
  }

  /** Puts back a day's activity read from a snapshot. */
  restoreActivity(activity: DayActivity): void {
    this.activity.set(activityKey(activity.product, activity.symbol), { ...activity });
  }
}

export const activityKey = (product: Product, symbol: string): string => `${product}:${symbol}`;

/**
 * An account's intraday (MIS) position in one instrument: the open quantity (negative when short),
 * what it cost to open (the value bought, or sold short, of what is still open), the margin it
 * holds, and what closing parts of it has realized.
 */
export interface PositionRecord {
  symbol: string;
  quantity: number;
  costBasis: Paise;
  margin: Paise;
  realizedPnl: Paise;
  /** The account's open MIS orders in this instrument, in the order placed (see intraday.ts). */
  openOrders: Set<OrderRecord>;
}

/** One trading day's buys and sells in a product and symbol. */
export interface DayActivity {
  product: Product;
  symbol: string;
  day: number;
  buyQuantity: number;
  buyValue: Paise;
  sellQuantity: number;
  sellValue: Paise;
}

export interface HoldingRecord {
  symbol: string;
  quantity: number;
  /** Shares promised to open SELL orders: always the sum of their `reserved`. */
  reserved: number;
  /** Exact cost of the shares held, in paise. */
  costBasis: Paise;
  realizedPnl: Paise;
  /**
   * Shares bought in trading day `boughtOnDay` (see `Store.tradingDay`) and still held, and what
   * they cost: a holding's day change counts them from their price, the rest from the previous
   * close. Absent in snapshots from before they were kept (read as none).
   */
  boughtToday?: number;
  boughtTodayCost?: Paise;
  boughtOnDay?: number;
}

/** The shares of a holding bought in trading day `day` and still held, and their cost. */
export function todaysLot(holding: HoldingRecord, day: number): { quantity: number; cost: Paise } {
  return holding.boughtOnDay === day
    ? { quantity: holding.boughtToday ?? 0, cost: holding.boughtTodayCost ?? 0 }
    : { quantity: 0, cost: 0 };
}
