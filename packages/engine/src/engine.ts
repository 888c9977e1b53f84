// The engine's one entry point: `apply(command)` returns a result code and the events it caused.
// Everything it needs (time, ids, prices) arrives in the command, so the same commands in the same
// order always give the same events and state. Queries read the state without changing it.
import {
  badTime,
  cancelOrder,
  closeOrder,
  expireOpenOrders,
  isCommandTime,
  isValidId,
  modifyOrder,
  placeOrder,
  refuse,
} from "./executor.js";
import { MAX_ID_LENGTH } from "./limits.js";
import { applyTick } from "./matcher.js";
import type { Paise } from "./money.js";
import { fundsOf, holdingsOf, quoteOf } from "./portfolio.js";
import { restoreStore, snapshotStore, type EngineSnapshot } from "./snapshot.js";
import { AccountRecord, InstrumentRecord, orderDetail, orderView, Store, type OrderRecord, type StoreOptions } from "./store.js";
import { isOpen } from "./transitions.js";
import {
  EXCHANGES,
  INSTRUMENT_TYPES,
  type AddInstrumentCommand,
  type Command,
  type CommandResult,
  type Funds,
  type HoldingView,
  type InstrumentView,
  type Millis,
  type OpenAccountCommand,
  type OrderDetail,
  type OrderState,
  type OrderView,
  type Quote,
  type ResetAccountCommand,
  type Trade,
} from "./types.js";

export const SYMBOL_PATTERN = /^[A-Z0-9][A-Z0-9&_-]{0,19}$/;

export interface OrderFilter {
  symbol?: string | undefined;
  state?: OrderState | undefined;
  /** Only orders that can still fill (PLACED, TRIGGER_PENDING, PARTIALLY_EXECUTED). */
  open?: boolean | undefined;
}

export type EngineOptions = StoreOptions;

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

  apply(command: Command): CommandResult {
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
        return this.addInstrument(command);
      case "openAccount":
        return this.openAccount(command);
      case "resetAccount":
        return this.resetAccount(command);
      case "openSession":
        return this.openSession(command.time);
      case "closeSession":
        return this.closeSession(command.time);
      case "forgetClientOrderIds":
        if (!isCommandTime(command.closedBefore))
          return refuse("INVALID_COMMAND", "closedBefore must be whole milliseconds since the epoch");
        this.store.forgetClosedKeyed(command.closedBefore);
        return { ok: true, events: [] };
      default:
        return refuse("INVALID_COMMAND", `unknown command kind ${JSON.stringify((command as { kind?: unknown }).kind)}`);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Queries

  get lastSeq(): number {
    return this.store.seq;
  }

  get marketOpen(): boolean {
    return this.store.marketOpen;
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
    return account === undefined ? [] : holdingsOf(account, this.store.instruments);
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

  // ------------------------------------------------------------------------------------------
  // Commands that manage accounts, instruments and sessions

  private addInstrument(command: AddInstrumentCommand): CommandResult {
    const spec = command.instrument;
    if (typeof spec !== "object" || spec === null) return refuse("INVALID_COMMAND", "instrument is missing");
    if (typeof spec.symbol !== "string" || !SYMBOL_PATTERN.test(spec.symbol)) {
      return refuse("INVALID_COMMAND", "symbol must be 1 to 20 upper-case letters, digits, &, _ or -");
    }
    if (this.store.instruments.has(spec.symbol)) return refuse("INSTRUMENT_EXISTS", `instrument ${spec.symbol} already exists`);
    if (typeof spec.name !== "string" || spec.name.length === 0 || spec.name.length > 100) {
      return refuse("INVALID_COMMAND", "name must be 1 to 100 characters");
    }
    if (!(EXCHANGES as readonly string[]).includes(spec.exchange)) return refuse("INVALID_COMMAND", "exchange must be NSE or BSE");
    if (!(INSTRUMENT_TYPES as readonly string[]).includes(spec.instrumentType)) {
      return refuse("INVALID_COMMAND", "instrumentType must be EQ");
    }
    if (!Number.isSafeInteger(spec.tickSize) || spec.tickSize <= 0) {
      return refuse("INVALID_COMMAND", "tickSize must be a positive amount in paise");
    }
    if (!Number.isSafeInteger(spec.lotSize) || spec.lotSize <= 0)
      return refuse("INVALID_COMMAND", "lotSize must be a positive whole number");
    if (!Number.isSafeInteger(spec.price) || spec.price <= 0 || spec.price % spec.tickSize !== 0) {
      return refuse("INVALID_PRICE", "price must be a positive amount in paise on the tick size");
    }
    const frozen = { ...spec };
    this.store.instruments.set(spec.symbol, new InstrumentRecord(frozen, this.store.instruments.size));
    this.store.emit({ seq: this.store.nextSeq(), time: command.time, type: "instrument.added", instrument: { ...frozen } });
    return { ok: true, events: this.store.takeEvents(command.time) };
  }

  private openAccount(command: OpenAccountCommand): CommandResult {
    if (!isValidId(command.userId)) return refuse("INVALID_COMMAND", `userId must be 1 to ${MAX_ID_LENGTH} characters`);
    if (!isCashAmount(command.cash)) return refuse("INVALID_COMMAND", "cash must be zero or a positive amount in paise");
    if (this.store.accounts.has(command.userId)) return refuse("ACCOUNT_EXISTS", `account ${command.userId} already exists`);
    const account = new AccountRecord(command.userId, command.cash, command.cash);
    this.store.accounts.set(command.userId, account);
    this.store.emit({ seq: this.store.nextSeq(), time: command.time, type: "account.opened", userId: command.userId, cash: command.cash });
    this.store.touchFunds(account);
    return { ok: true, events: this.store.takeEvents(command.time) };
  }

  private resetAccount(command: ResetAccountCommand): CommandResult {
    const account = this.store.account(command.userId);
    if (account === undefined) return refuse("UNKNOWN_ACCOUNT", `no account for user ${String(command.userId)}`);
    if (!isCashAmount(command.cash)) return refuse("INVALID_COMMAND", "cash must be zero or a positive amount in paise");
    for (const order of account.orders.values()) {
      if (isOpen(order.state)) closeOrder(this.store, order, "CANCELLED", command.time, "account-reset", "order.cancelled");
    }
    account.clearHoldings();
    account.cash = command.cash;
    account.deposited = command.cash;
    this.store.emit({ seq: this.store.nextSeq(), time: command.time, type: "account.reset", userId: command.userId, cash: command.cash });
    this.store.touchFunds(account);
    return { ok: true, events: this.store.takeEvents(command.time) };
  }

  private openSession(time: number): CommandResult {
    if (this.store.marketOpen) return refuse("INVALID_COMMAND", "the session is already open");
    this.store.marketOpen = true;
    for (const instrument of this.store.instruments.values()) {
      instrument.previousClose = instrument.lastTradedPrice;
      instrument.open = instrument.lastTradedPrice;
      instrument.high = instrument.lastTradedPrice;
      instrument.low = instrument.lastTradedPrice;
      instrument.volume = 0;
    }
    this.store.emit({ seq: this.store.nextSeq(), time, type: "session.opened" });
    return { ok: true, events: this.store.takeEvents(time) };
  }

  private closeSession(time: number): CommandResult {
    if (!this.store.marketOpen) return refuse("INVALID_COMMAND", "the session is already closed");
    expireOpenOrders(this.store, time);
    this.store.marketOpen = false;
    this.store.emit({ seq: this.store.nextSeq(), time, type: "session.closed" });
    return { ok: true, events: this.store.takeEvents(time) };
  }
}

function isCashAmount(value: unknown): value is Paise {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 && value <= 1e15;
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
    tickSize: spec.tickSize,
    lotSize: spec.lotSize,
    ...quoteOf(record),
  };
}
