// Snapshot and restore: the whole engine state as plain JSON-safe data, and back. Books are not
// stored; they are rebuilt from the open orders in their time-priority order.
import { AccountRecord, InstrumentRecord, OrderRecord, Store, type HoldingRecord } from "./store.js";
import { isOpen } from "./transitions.js";
import type { InstrumentSpec, Millis, OrderState, OrderType, Side, StateChange, Trade, Validity } from "./types.js";
import type { ReasonCode } from "./reasons.js";

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
}

export interface OrderSnapshot {
  orderId: string;
  userId: string;
  clientOrderId: string | null;
  symbol: string;
  side: Side;
  type: OrderType;
  validity: Validity;
  quantity: number;
  price: number | null;
  triggerPrice: number | null;
  state: OrderState;
  filledQuantity: number;
  filledValue: number;
  rejectReason: ReasonCode | null;
  rejectMessage: string | null;
  placedAt: Millis;
  updatedAt: Millis;
  triggeredAt: Millis | null;
  reserved: number;
  priority: number;
  history: StateChange[];
  tradeIds: string[];
}

export interface AccountSnapshot {
  userId: string;
  cash: number;
  blocked: number;
  deposited: number;
}

export interface EngineSnapshot {
  version: typeof SNAPSHOT_VERSION;
  seq: number;
  tradeCounter: number;
  priorityCounter: number;
  marketOpen: boolean;
  instruments: InstrumentSnapshot[];
  accounts: AccountSnapshot[];
  holdings: Array<{ userId: string; holding: HoldingRecord }>;
  orders: OrderSnapshot[];
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
      lastTickAt: i.lastTickAt,
    });
  }
  const holdings: EngineSnapshot["holdings"] = [];
  for (const account of store.accounts.values()) {
    for (const holding of account.holdings.values()) holdings.push({ userId: account.userId, holding: { ...holding } });
  }
  const orders: OrderSnapshot[] = [];
  for (const o of store.orders.values()) {
    orders.push({
      orderId: o.orderId,
      userId: o.userId,
      clientOrderId: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      validity: o.validity,
      quantity: o.quantity,
      price: o.price,
      triggerPrice: o.triggerPrice,
      state: o.state,
      filledQuantity: o.filledQuantity,
      filledValue: o.filledValue,
      rejectReason: o.rejectReason,
      rejectMessage: o.rejectMessage,
      placedAt: o.placedAt,
      updatedAt: o.updatedAt,
      triggeredAt: o.triggeredAt,
      reserved: o.reserved,
      priority: o.priority,
      history: o.history,
      tradeIds: o.trades.map((t) => t.tradeId),
    });
  }
  return {
    version: SNAPSHOT_VERSION,
    seq: store.seq,
    tradeCounter: store.tradeCounter,
    priorityCounter: store.priorityCounter,
    marketOpen: store.marketOpen,
    instruments,
    accounts: [...store.accounts.values()].map((a) => ({ userId: a.userId, cash: a.cash, blocked: a.blocked, deposited: a.deposited })),
    holdings,
    orders,
    trades: store.trades.map((t) => ({ ...t })),
  };
}

export function restoreStore(snapshot: EngineSnapshot): Store {
  if (snapshot.version !== SNAPSHOT_VERSION) {
    throw new Error(`snapshot version ${String(snapshot.version)} is not supported (expected ${SNAPSHOT_VERSION})`);
  }
  const store = new Store();
  store.seq = snapshot.seq;
  store.tradeCounter = snapshot.tradeCounter;
  store.priorityCounter = snapshot.priorityCounter;
  store.marketOpen = snapshot.marketOpen;
  for (const s of snapshot.instruments) {
    const record = new InstrumentRecord({ ...s.spec });
    record.lastTradedPrice = s.lastTradedPrice;
    record.previousClose = s.previousClose;
    record.open = s.open;
    record.high = s.high;
    record.low = s.low;
    record.volume = s.volume;
    record.lastTickAt = s.lastTickAt;
    store.instruments.set(s.spec.symbol, record);
  }
  for (const a of snapshot.accounts) {
    const account = new AccountRecord(a.userId, a.cash, a.deposited);
    account.blocked = a.blocked;
    store.accounts.set(a.userId, account);
  }
  const accountOf = (userId: string) => {
    const account = store.accounts.get(userId);
    if (account === undefined) throw new Error(`snapshot: no account ${userId}`);
    return account;
  };
  for (const { userId, holding } of snapshot.holdings) {
    Object.assign(accountOf(userId).holdingFor(holding.symbol), holding);
  }
  const tradesById = new Map<string, Trade>();
  for (const t of snapshot.trades) {
    const trade = { ...t };
    tradesById.set(trade.tradeId, trade);
    store.recordTrade(accountOf(trade.userId), trade);
  }
  const resting: OrderRecord[] = [];
  for (const s of snapshot.orders) {
    const first = s.history[0];
    const instrument = store.instruments.get(s.symbol);
    if (instrument === undefined) throw new Error(`snapshot: order ${s.orderId} names unknown instrument ${s.symbol}`);
    const order = new OrderRecord(
      s.orderId,
      accountOf(s.userId),
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
    for (const id of s.tradeIds) {
      const trade = tradesById.get(id);
      if (trade === undefined) throw new Error(`snapshot: order ${s.orderId} names unknown trade ${id}`);
      store.attachTrade(order, trade);
    }
    store.indexOrder(order);
    if (isOpen(order.state)) resting.push(order);
  }
  resting.sort((a, b) => a.priority - b.priority);
  for (const order of resting) {
    const ladder = store.ladderOf(order);
    const key = order.state === "TRIGGER_PENDING" ? order.triggerPrice : order.price;
    if (key === null) throw new Error(`snapshot: open order ${order.orderId} cannot rest`);
    ladder.add(order, key);
  }
  return store;
}
