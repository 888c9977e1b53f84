// The engine's one entry point: `apply(command)` returns a result code and the events it caused.
// Everything it needs (time, ids, prices) arrives in the command, so the same commands in the same
// order always give the same events and state. Queries read the state without changing it.
import { addInstrument } from "./commands/instruments.js";
import { openAccount, resetAccount } from "./commands/accounts.js";
import { applyFromFeed, badTime, isCommandTime, refuse } from "./commands/common.js";
import { cancelOrder, forgetClientOrderIds, modifyOrder, placeOrder } from "./commands/orders.js";
import { openingAuction } from "./commands/auction.js";
import { setChargeRates } from "./commands/charges.js";
import { convertPosition, squareOff } from "./commands/intraday.js";
import { closeSession, openSession, startPreOpen } from "./commands/session.js";
import { applyTick } from "./commands/ticks.js";
import type { ChargeRates } from "./charges/rates.js";
import { fundsOf, holdingsOf, positionsOf, quoteOf } from "./portfolio.js";
import { basketMargin, type BasketMargin } from "./margin-preview.js";
import { DEFAULT_INTRADAY_LEVERAGE } from "./intraday.js";
import type { InstrumentRecord } from "./records.js";
import type { OrderRecord } from "./order-record.js";
import { restoreStore, snapshotStore, type EngineSnapshot } from "./snapshot.js";
import { Store, type StoreOptions } from "./store.js";
import { isOpen } from "./transitions.js";
import type {
  Command,
  CommandResult,
  Funds,
  HoldingView,
  InstrumentView,
  MarketPhase,
  Millis,
  OrderDetail,
  OrderInput,
  OrderState,
  OrderView,
  PositionView,
  Quote,
  Trade,
} from "./types.js";
import { orderDetail, orderView } from "./views.js";

export interface OrderFilter {
  symbol?: string | undefined;
  state?: OrderState | undefined;
  /** Only orders that can still fill (PLACED, TRIGGER_PENDING, PARTIALLY_EXECUTED). */
  open?: boolean | undefined;
}

export type EngineOptions = StoreOptions;

/** Whether a command kind changes instruments' views (prices, OHLC, volume, bands, tick sizes, phases). */
function changesMarket(kind: Command["kind"]): boolean {
  switch (kind) {
    case "tick":
    case "addInstrument":
    case "startPreOpen":
    case "openingAuction":
    case "openSession":
    case "closeSession":
      return true;
    default:
      return false;
  }
}

export class Engine {
  private store: Store;

  constructor(options: EngineOptions = {}) {
    this.store = new Store(options);
  }

  /** Rebuilds an engine from `snapshot()`: the same state, books in the same priority order. */
  static restore(snapshot: EngineSnapshot): Engine {
    const engine = new Engine();
    engine.store = restoreStore(snapshot);
    return engine;
  }

  /** Applies every command in order to a fresh engine. */
  static replay(commands: Iterable<Command>, options: EngineOptions = {}): Engine {
    const engine = new Engine(options);
    for (const command of commands) engine.apply(command);
    return engine;
  }

  /**
   * Counts the changes to what every user sees alike of the market (instruments, prices, bands,
   * phases): a server serialises market data once per change (see `marketVersion`).
   */
  private marketChanges = 0;

  /** Moves whenever the instruments' views may have changed; equal values mean equal market data. */
  get marketVersion(): number {
    return this.marketChanges;
  }

  apply(command: Command): CommandResult {
    const result = this.applyCommand(command);
    if (result.ok && changesMarket(command.kind)) this.marketChanges += 1;
    return result;
  }

  private applyCommand(command: Command): CommandResult {
    if (typeof command !== "object" || command === null) return refuse("INVALID_COMMAND", "command is missing");
    // The frequent commands check their own time, in their own functions: V8 keeps one inline cache
    // per property read from a variable in a function, so a `time` read here would see every shape
    // of command and take its slowest lookup every time.
    switch (command.kind) {
      case "placeOrder":
        return placeOrder(this.store, command);
      case "tick":
        return applyTick(this.store, command);
      case "cancelOrder":
        return cancelOrder(this.store, command);
      case "modifyOrder":
        return modifyOrder(this.store, command);
    }
    if (!isCommandTime(command.time)) return badTime();
    switch (command.kind) {
      case "addInstrument":
        return applyFromFeed(this.store, command.feedSeq, () => addInstrument(this.store, command));
      case "openAccount":
        return openAccount(this.store, command);
      case "resetAccount":
        return resetAccount(this.store, command);
      case "openSession":
        return applyFromFeed(this.store, command.feedSeq, () => openSession(this.store, command.time));
      case "closeSession":
        return applyFromFeed(this.store, command.feedSeq, () => closeSession(this.store, command.time));
      case "startPreOpen":
        return applyFromFeed(this.store, command.feedSeq, () => startPreOpen(this.store, command.time));
      case "openingAuction":
        return applyFromFeed(this.store, command.feedSeq, () => openingAuction(this.store, command));
      case "setChargeRates":
        return applyFromFeed(this.store, command.feedSeq, () => setChargeRates(this.store, command));
      case "squareOff":
        return applyFromFeed(this.store, command.feedSeq, () => squareOff(this.store, command.time));
      case "convertPosition":
        return convertPosition(this.store, command);
      case "forgetClientOrderIds":
        return forgetClientOrderIds(this.store, command);
      default:
        return refuse("INVALID_COMMAND", `unknown command kind ${JSON.stringify((command as { kind?: unknown }).kind)}`);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Queries

  /** The feed position of the last market command that carried one (a cluster's shards resume there); 0 before any. */
  get lastFeedSeq(): number {
    return this.store.lastFeedSeq;
  }

  get lastSeq(): number {
    return this.store.seq;
  }

  /** Whether the normal market is open (ticks trade, orders meet the market at once). */
  get marketOpen(): boolean {
    return this.store.marketOpen;
  }

  /** When the current trading day began (its pre-open, or its open); 0 before the first. */
  get dayBeganAt(): Millis {
    return this.store.dayBeganAt;
  }

  /** The rates trades are charged at; null: none. */
  get chargeRates(): ChargeRates | null {
    return this.store.chargeRates;
  }

  get phase(): MarketPhase {
    return this.store.phase;
  }

  /** True from today's intraday square-off until the next trading day: MIS orders are refused. */
  get intradayClosed(): boolean {
    return this.store.intradayClosed;
  }

  /** Orders accepted and not yet in the market (after-market orders, pre-open MARKET orders), in the order they enter. */
  waitingOrderCount(): number {
    return this.store.waiting.size;
  }

  hasAccount(userId: string): boolean {
    return this.store.accounts.has(userId);
  }

  userIds(): string[] {
    return [...this.store.accounts.keys()];
  }

  instrument(symbol: string): InstrumentView | undefined {
    const record = this.store.instruments.get(symbol);
    return record === undefined ? undefined : instrumentView(record);
  }

  instruments(): InstrumentView[] {
    return [...this.store.instruments.values()].map(instrumentView);
  }

  quote(symbol: string): Quote | undefined {
    const record = this.store.instruments.get(symbol);
    return record === undefined ? undefined : quoteOf(record);
  }

  /** The user's own order with its history and trades; another user's order is undefined. */
  order(userId: string, orderId: string): OrderDetail | undefined {
    const record = this.store.orders.get(orderId);
    return record === undefined || record.userId !== userId ? undefined : orderDetail(record);
  }

  /** Finds an order by its clientOrderId, open or closed (closed keyed orders stay findable). */
  orderByClientId(userId: string, clientOrderId: string): OrderView | undefined {
    const record = this.store.account(userId)?.clientOrderIds?.get(clientOrderId);
    return record === undefined ? undefined : orderView(record);
  }

  /** Whether the engine holds the user's order placed with this clientOrderId (see forgetClientOrderIds). */
  hasClientOrderId(userId: string, clientOrderId: string): boolean {
    return this.store.account(userId)?.clientOrderIds?.has(clientOrderId) === true;
  }

  /** The user's orders in memory, oldest first: all of them, or the open ones when closed orders are not retained. */
  orders(userId: string, filter: OrderFilter = {}): OrderView[] {
    const views: OrderView[] = [];
    for (const order of this.store.account(userId)?.orders.values() ?? []) {
      if (matchesFilter(order, filter)) views.push(orderView(order));
    }
    return views;
  }

  /** The user's trades, oldest first (empty when closed orders are not retained: history is the caller's). */
  trades(userId: string, symbol?: string): Trade[] {
    const list = this.store.account(userId)?.trades ?? [];
    return symbol === undefined ? list.slice() : list.filter((t) => t.symbol === symbol);
  }

  funds(userId: string): Funds | undefined {
    const account = this.store.account(userId);
    return account === undefined ? undefined : fundsOf(this.store, account);
  }

  /** Open positions and closed ones that still carry realized P&L, in the order first bought. */
  holdings(userId: string): HoldingView[] {
    const account = this.store.account(userId);
    return account === undefined ? [] : holdingsOf(account, this.store.instruments, this.store.tradingDay);
  }

  /** What a basket of orders would hold back if placed now, in order (see margin-preview.ts); undefined without the account. */
  basketMargin(userId: string, orders: readonly OrderInput[]): BasketMargin | undefined {
    const account = this.store.account(userId);
    return account === undefined ? undefined : basketMargin(this.store, account, orders);
  }

  /** Today's positions by product: intraday ones (open or closed today) and today's delivery trades. */
  positions(userId: string): PositionView[] {
    const account = this.store.account(userId);
    return account === undefined ? [] : positionsOf(account, this.store.instruments, this.store.tradingDay);
  }

  /**
   * When the oldest closed order still kept for its clientOrderId closed (closed orders not
   * retained), or null: a forgetClientOrderIds command with a later time would let it go.
   */
  oldestClosedKeyedAt(): Millis | null {
    return this.store.oldestClosedKeyedAt();
  }

  /** How many closed orders are kept in memory for their clientOrderId (closed orders not retained). */
  closedKeyedOrderCount(): number {
    return this.store.closedKeyedCount;
  }

  /** Number of orders resting in books (limits and pending stops), over all instruments. */
  restingOrderCount(): number {
    let n = 0;
    for (const i of this.store.instruments.values()) {
      n += i.buyLimits.size + i.sellLimits.size + i.buyStops.size + i.sellStops.size;
    }
    return n;
  }

  snapshot(): EngineSnapshot {
    return snapshotStore(this.store);
  }

  /** Read access for invariant checks and tests; nothing outside the engine should mutate it. */
  get internals(): Store {
    return this.store;
  }
}

function matchesFilter(order: OrderRecord, filter: OrderFilter): boolean {
  if (filter.symbol !== undefined && order.symbol !== filter.symbol) return false;
  if (filter.state !== undefined && order.state !== filter.state) return false;
  if (filter.open === true && !isOpen(order.state)) return false;
  if (filter.open === false && isOpen(order.state)) return false;
  return true;
}

function instrumentView(record: InstrumentRecord): InstrumentView {
  const { spec } = record;
  return {
    name: spec.name,
    exchange: spec.exchange,
    instrumentType: spec.instrumentType,
    lotSize: spec.lotSize,
    priceBand: spec.band ?? null,
    intradayLeverage: spec.intradayLeverage ?? DEFAULT_INTRADAY_LEVERAGE,
    ...quoteOf(record),
  };
}
