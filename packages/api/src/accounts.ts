// What the API reads of a user's account: its funds, holdings, open orders and the clientOrderIds
// the engine still holds. In one process the engine answers at once; in a cluster the account
// lives on its shard's engine, on another machine, so every read is asynchronous. Market data
// (instruments, quotes) is the same on every shard and is read from `platform.engine`.
import type { BasketMargin, Funds, HoldingView, OrderInput, OrderView, PositionView } from "@trading/engine";
import type { EngineReader } from "./command-queue.js";

export interface AccountReader {
  funds(userId: string): Promise<Funds | undefined>;
  holdings(userId: string): Promise<HoldingView[]>;
  /** Today's positions by product (see the engine's `positions`). */
  positions(userId: string): Promise<PositionView[]>;
  /** What a basket of orders would hold back if placed now, in order; undefined without the account. */
  basketMargin(userId: string, orders: OrderInput[]): Promise<BasketMargin | undefined>;
  /** The user's orders that can still fill, oldest first (of one symbol when given). */
  openOrders(userId: string, symbol?: string): Promise<OrderView[]>;
  /** The user's open orders and the last event of the user's engine they include (a subscription's snapshot). */
  openOrdersNow(userId: string): Promise<{ seq: number; orders: OrderView[] }>;
  /** Whether the engine still holds the user's order placed with this clientOrderId. */
  hasClientOrderId(userId: string, clientOrderId: string): Promise<boolean>;
}

/** The accounts of an engine in this process (`engine` is read at each call: it may be rebuilt). */
export function localAccounts(engine: () => EngineReader): AccountReader {
  return {
    funds: async (userId) => engine().funds(userId),
    holdings: async (userId) => engine().holdings(userId),
    positions: async (userId) => engine().positions(userId),
    basketMargin: async (userId, orders) => engine().basketMargin(userId, orders),
    openOrders: async (userId, symbol) => engine().orders(userId, { open: true, symbol }),
    openOrdersNow: async (userId) => ({ seq: engine().lastSeq, orders: engine().orders(userId, { open: true }) }),
    hasClientOrderId: async (userId, clientOrderId) => engine().hasClientOrderId(userId, clientOrderId),
  };
}
