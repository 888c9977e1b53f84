// Snapshot and restore: the whole engine state as plain JSON-safe data, and back. Books are not
// stored; they are rebuilt from the open orders in their time-priority order.
import type { DayTurnover } from "./charges/charges.js";
import { cloneJson } from "./json.js";
import type { ChargeRates, Product } from "./charges/rates.js";
import { AccountRecord, InstrumentRecord, type DayActivity, type HoldingRecord, type PositionRecord } from "./records.js";
import { newOrderRecord, type OrderRecord } from "./order-record.js";
import { Store, type IdSpace } from "./store.js";
import { orderView } from "./views.js";
import { isOpen } from "./transitions.js";
import type { InstrumentSpec, MarketPhase, Millis, OrderView, StateChange, Trade, WaitingFor } from "./types.js";

export const SNAPSHOT_VERSION = 1;

export interface InstrumentSnapshot {
  spec: InstrumentSpec;
  lastTradedPrice: number;
  previousClose: number;
  open: number;
  high: number;
  low: number;
  volume: number;
  lastTickAt: Millis | null;
  /** The tick size now and the band's flexes (absent in snapshots from before price rules). */
  tickSize?: number;
  bandSteps?: number;
  /** Absent in snapshots from before the band was reviewed at the close: the previous close. */
  bandBase?: number;
}

/** An order as stored in a snapshot: its public view plus what the engine needs to go on. */
export interface OrderSnapshot extends Omit<OrderView, "amo" | "waitingFor" | "product" | "squareOff"> {
  /** Absent in snapshots from before products: CNC. */
  product?: Product;
  squareOff?: boolean;
  /** Absent in snapshots from before after-market orders. */
  amo?: boolean;
  waitingFor?: WaitingFor | null;
  /** A waiting MARKET BUY's block price; absent for others. */
  blockPrice?: number;
  filledValue: number;
  reserved: number;
  priority: number;
  history: StateChange[];
  trades: Trade[];
}

export interface AccountSnapshot {
  userId: string;
  cash: number;
  blocked: number;
  deposited: number;
  /** Absent without charges (and in snapshots from before them). */
  charges?: AccountChargesSnapshot;
  /** Absent for an account that never traded intraday or today (and in snapshots from before products). */
  positions?: PositionSnapshot[];
  activity?: DayActivity[];
}

/** An intraday position, with its open orders' ids in the order placed (their margin split follows it). */
export interface PositionSnapshot extends Omit<PositionRecord, "openOrders"> {
  openOrderIds: string[];
}

/** An account's charges: paid in all, and its current day's fills as charges see them. */
export interface AccountChargesSnapshot {
  paid: number;
  today: number;
  dayOf: number;
  day: {
    byProduct: DayTurnover["byProduct"];
    byExchange: DayTurnover["byExchange"];
    orders: Array<[string, { product: Product; value: number }]>;
    brokerage: number;
    deliverySells: string[];
    squaredOff: number;
  } | null;
}

export interface EngineSnapshot {
  version: typeof SNAPSHOT_VERSION;
  retainClosedOrders: boolean;
  /** Absent for an engine that makes every trade id (see `StoreOptions.idSpace`). */
  idSpace?: IdSpace;
  seq: number;
  tradeCounter: number;
  /** Absent before the first tick from a cluster's feed. */
  lastFeedSeq?: number;
  priorityCounter: number;
  /** Absent in snapshots from before market phases: `marketOpen` says open or closed. */
  phase?: MarketPhase;
  marketOpen: boolean;
  /** Absent in snapshots from before charges: none. */
  chargeRates?: ChargeRates | null;
  /** Absent in snapshots from before trading days were counted. */
  tradingDay?: number;
  /** Absent in snapshots from before it was kept: 0. */
  dayBeganAt?: number;
  /** Absent in snapshots from before products: false, 0. */
  intradayClosed?: boolean;
  squareOffCounter?: number;
  instruments: InstrumentSnapshot[];
  accounts: AccountSnapshot[];
  holdings: Array<{ userId: string; holding: HoldingRecord }>;
  orders: OrderSnapshot[];
  /** Closed orders kept only so their clientOrderId still answers (closed orders not retained). */
  closedKeyedOrders: OrderSnapshot[];
  /** Every trade, when closed orders are retained; empty otherwise. */
  trades: Trade[];
}

export function snapshotStore(store: Store): EngineSnapshot {
  const instruments: InstrumentSnapshot[] = [];
  for (const i of store.instruments.values()) {
    instruments.push({
      spec: { ...i.spec },
      lastTradedPrice: i.lastTradedPrice,
      previousClose: i.previousClose,
      open: i.open,
      high: i.high,
      low: i.low,
      volume: i.volume,
      tickSize: i.tickSize,
      bandSteps: i.bandSteps,
      bandBase: i.bandBase,
      lastTickAt: i.lastTickAt,
    });
  }
  const holdings: EngineSnapshot["holdings"] = [];
  for (const account of store.accounts.values()) {
    for (const holding of account.holdings.values()) holdings.push({ userId: account.userId, holding: { ...holding } });
  }
  const orders = [...store.orders.values()].map(orderSnapshot);
  // In the order they closed, which is the order they are forgotten in.
  const closedKeyedOrders = store.closedKeyedOrders().map(orderSnapshot);
  return {
    version: SNAPSHOT_VERSION,
    retainClosedOrders: store.retainClosedOrders,
    ...(store.idSpace.count === 1 ? {} : { idSpace: { ...store.idSpace } }),
    seq: store.seq,
    tradeCounter: store.tradeCounter,
    ...(store.lastFeedSeq === 0 ? {} : { lastFeedSeq: store.lastFeedSeq }),
    priorityCounter: store.priorityCounter,
    phase: store.phase,
    marketOpen: store.marketOpen,
    tradingDay: store.tradingDay,
    dayBeganAt: store.dayBeganAt,
    intradayClosed: store.intradayClosed,
    squareOffCounter: store.squareOffCounter,
    instruments,
    chargeRates: store.chargeRates,
    accounts: [...store.accounts.values()].map(accountSnapshot),
    holdings,
    orders,
    closedKeyedOrders,
    trades: store.trades.map((t) => ({ ...t })),
  };
}

function accountSnapshot(a: AccountRecord): AccountSnapshot {
  const snapshot: AccountSnapshot = { userId: a.userId, cash: a.cash, blocked: a.blocked, deposited: a.deposited };
  if (a.positions.size > 0) {
    snapshot.positions = [...a.positions.values()].map(({ openOrders, ...position }) => ({
      ...position,
      openOrderIds: [...openOrders].map((o) => o.orderId),
    }));
  }
  if (a.activity.size > 0) snapshot.activity = [...a.activity.values()].map((activity) => ({ ...activity }));
  if (a.chargesPaid === 0 && a.chargeDay === null) return snapshot;
  const day = a.chargeDay;
  snapshot.charges = {
    paid: a.chargesPaid,
    today: a.chargesToday,
    dayOf: a.chargeDayOf,
    day:
      day === null
        ? null
        : {
            byProduct: cloneJson(day.byProduct),
            byExchange: { ...day.byExchange },
            orders: [...day.orders].map(([id, o]) => [id, { ...o }]),
            brokerage: day.brokerage,
            deliverySells: [...day.deliverySells],
            squaredOff: day.squaredOff,
          },
  };
  return snapshot;
}

function restoreCharges(account: AccountRecord, charges: AccountChargesSnapshot | undefined): void {
  if (charges === undefined) return;
  account.chargesPaid = charges.paid;
  account.chargesToday = charges.today;
  account.chargeDayOf = charges.dayOf;
  const day = charges.day;
  account.chargeDay =
    day === null
      ? null
      : {
          byProduct: cloneJson(day.byProduct),
          byExchange: { ...day.byExchange },
          orders: new Map(day.orders.map(([id, o]) => [id, { ...o }])),
          brokerage: day.brokerage,
          deliverySells: new Set(day.deliverySells),
          squaredOff: day.squaredOff,
        };
}

function restoreIntraday(store: Store, account: AccountRecord, a: AccountSnapshot): void {
  for (const { openOrderIds, ...p } of a.positions ?? []) {
    const position = account.getOrCreatePosition(p.symbol);
    Object.assign(position, p);
    account.marginUsed += p.margin;
    for (const id of openOrderIds) {
      const order = store.orders.get(id);
      if (order === undefined) throw new Error(`snapshot: position ${account.userId}/${p.symbol} names unknown order ${id}`);
      position.openOrders.add(order);
    }
  }
  for (const activity of a.activity ?? []) account.restoreActivity(activity);
}

function orderSnapshot(o: OrderRecord): OrderSnapshot {
  // The view with fields added in place: a spread of it into a new literal was ~17x slower on a
  // large book, and snapshots of one are mostly this.
  const snapshot = orderView(o) as OrderSnapshot;
  snapshot.filledValue = o.filledValue;
  snapshot.reserved = o.reserved;
  snapshot.priority = o.priority;
  if (o.blockPrice !== null) snapshot.blockPrice = o.blockPrice;
  snapshot.history = o.history;
  snapshot.trades = o.trades.map((t) => ({ ...t }));
  return snapshot;
}

export function restoreStore(snapshot: EngineSnapshot): Store {
  const version: unknown = snapshot.version;
  if (version !== SNAPSHOT_VERSION) {
    throw new Error(`snapshot version ${String(version)} is not supported (expected ${SNAPSHOT_VERSION})`);
  }
  const store = new Store({ retainClosedOrders: snapshot.retainClosedOrders, idSpace: snapshot.idSpace });
  store.seq = snapshot.seq;
  store.tradeCounter = snapshot.tradeCounter;
  store.lastFeedSeq = snapshot.lastFeedSeq ?? 0;
  store.priorityCounter = snapshot.priorityCounter;
  store.phase = snapshot.phase ?? (snapshot.marketOpen ? "open" : "closed");
  store.tradingDay = snapshot.tradingDay ?? 0;
  store.chargeRates = snapshot.chargeRates === undefined || snapshot.chargeRates === null ? null : cloneJson(snapshot.chargeRates);
  store.dayBeganAt = snapshot.dayBeganAt ?? 0;
  store.intradayClosed = snapshot.intradayClosed ?? false;
  store.squareOffCounter = snapshot.squareOffCounter ?? 0;
  for (const s of snapshot.instruments) {
    const record = new InstrumentRecord({ ...s.spec }, store.instruments.size);
    record.lastTradedPrice = s.lastTradedPrice;
    record.previousClose = s.previousClose;
    record.open = s.open;
    record.high = s.high;
    record.low = s.low;
    record.volume = s.volume;
    record.lastTickAt = s.lastTickAt;
    record.tickSize = s.tickSize ?? record.tickSize;
    record.bandBase = s.bandBase ?? s.previousClose;
    record.setBand(s.bandSteps ?? 0);
    store.instruments.set(s.spec.symbol, record);
  }
  for (const a of snapshot.accounts) {
    const account = new AccountRecord(a.userId, a.cash, a.deposited);
    account.blocked = a.blocked;
    restoreCharges(account, a.charges);
    store.accounts.set(a.userId, account);
  }
  const accountOf = (userId: string) => {
    const account = store.accounts.get(userId);
    if (account === undefined) throw new Error(`snapshot: no account ${userId}`);
    return account;
  };
  for (const { userId, holding } of snapshot.holdings) {
    accountOf(userId).restoreHolding(holding);
  }
  for (const t of snapshot.trades) store.recordTrade(accountOf(t.userId), { ...t });
  const resting: OrderRecord[] = [];
  const waiting: OrderRecord[] = [];
  for (const s of snapshot.orders) {
    const order = restoreOrder(store, s, accountOf(s.userId));
    store.indexOrder(order);
    if (s.waitingFor !== undefined && s.waitingFor !== null) {
      order.waitingFor = s.waitingFor;
      waiting.push(order);
    } else if (isOpen(order.state)) resting.push(order);
  }
  for (const s of snapshot.closedKeyedOrders) store.keepClosedKeyed(restoreOrder(store, s, accountOf(s.userId)));
  for (const a of snapshot.accounts) restoreIntraday(store, accountOf(a.userId), a);
  waiting.sort((a, b) => a.priority - b.priority);
  for (const order of waiting) store.waiting.add(order);
  resting.sort((a, b) => a.priority - b.priority);
  for (const order of resting) {
    const ladder = store.ladderOf(order);
    const key = order.state === "TRIGGER_PENDING" ? order.triggerPrice : order.price;
    if (key === null) throw new Error(`snapshot: open order ${order.orderId} cannot rest`);
    ladder.add(order, key);
  }
  return store;
}

function restoreOrder(store: Store, s: OrderSnapshot, account: AccountRecord): OrderRecord {
  const instrument = store.instruments.get(s.symbol);
  if (instrument === undefined) throw new Error(`snapshot: order ${s.orderId} names unknown instrument ${s.symbol}`);
  const first = s.history[0];
  const order = newOrderRecord().init(
    s.orderId,
    account,
    s.clientOrderId,
    instrument,
    s.side,
    s.type,
    s.validity,
    s.quantity,
    s.price,
    s.triggerPrice,
    s.placedAt,
    first?.state ?? s.state,
    first?.cause ?? "placed",
  );
  for (const h of s.history.slice(1)) order.recordChange({ ...h });
  order.state = s.state;
  order.filledQuantity = s.filledQuantity;
  order.filledValue = s.filledValue;
  order.rejectReason = s.rejectReason;
  order.rejectMessage = s.rejectMessage;
  order.updatedAt = s.updatedAt;
  order.triggeredAt = s.triggeredAt;
  order.reserved = s.reserved;
  order.priority = s.priority;
  order.amo = s.amo ?? false;
  if (s.product === "MIS") order.product = "MIS";
  order.squareOff = s.squareOff ?? false;
  order.blockPrice = s.blockPrice ?? null;
  for (const t of s.trades) order.attachTrade({ ...t });
  return order;
}
