// What the live streams do to the data on screen, as pure functions over the cached query data:
// an order update moves the order in or out of the open-orders list, a fill adds a trade, and
// every tick revalues holdings and funds. Money is rounded to the paisa, as the server does.
import type { OrderUpdateType, RouterOutputs } from "@trading/api";
import { IST_OFFSET_MS, intervalStart, OPEN_STATES, percent, type CandleInterval } from "@trading/engine";

export type Instrument = RouterOutputs["instruments"]["list"][number];
export type Order = RouterOutputs["orders"]["list"]["items"][number];
export type OrderPage = RouterOutputs["orders"]["list"];
export type Trade = RouterOutputs["trades"]["list"]["items"][number];
export type TradePage = RouterOutputs["trades"]["list"];
export type Holding = RouterOutputs["portfolio"]["holdings"][number];
export type FundsView = RouterOutputs["funds"]["get"];
export type Position = RouterOutputs["positions"]["list"][number];
export type { OrderUpdateType };
export interface OrderUpdate {
  type: OrderUpdateType;
  order: Order;
  trade: Trade | null;
}

export function isOpenOrder(order: Order): boolean {
  return OPEN_STATES.includes(order.state);
}

const paise = (rupees: number): number => Math.round(rupees * 100);
const rupees = (p: number): number => p / 100;

/** The open-orders page after an update: the order is replaced, added at the top, or gone when closed. */
export function applyToOpenOrders(page: OrderPage, order: Order): OrderPage {
  const rest = page.items.filter((o) => o.orderId !== order.orderId);
  if (!isOpenOrder(order)) return rest.length === page.items.length ? page : { ...page, items: rest };
  const index = page.items.findIndex((o) => o.orderId === order.orderId);
  if (index === -1) return { ...page, items: [order, ...page.items] };
  const items = page.items.slice();
  items[index] = order;
  return { ...page, items };
}

/** A trade page with a new fill on top; a trade already there is not added twice. */
export function prependTrade(page: TradePage, trade: Trade): TradePage {
  if (page.items.some((t) => t.tradeId === trade.tradeId)) return page;
  return { ...page, items: [trade, ...page.items] };
}

/** Holdings revalued at the live prices of the watchlist. */
export function valueHoldings(holdings: readonly Holding[], instruments: readonly Instrument[] | undefined): Holding[] {
  const live = new Map((instruments ?? []).map((i) => [i.symbol, i]));
  return holdings.map((h) => {
    const instrument = live.get(h.symbol);
    if (instrument === undefined || instrument.lastTradedPrice === h.ltp) return h;
    const current = h.quantity * paise(instrument.lastTradedPrice);
    const invested = paise(h.investedValue);
    const pnl = current - invested;
    const day = h.quantity * (paise(instrument.lastTradedPrice) - paise(instrument.previousClose));
    return {
      ...h,
      ltp: instrument.lastTradedPrice,
      currentValue: rupees(current),
      unrealizedPnl: rupees(pnl),
      unrealizedPnlPercent: percent(pnl, invested),
      dayChange: rupees(day),
      dayChangePercent: percent(day, h.quantity * paise(instrument.previousClose)),
    };
  });
}

/**
 * Positions marked to the live prices of the watchlist: P&L is sold value less bought value plus the
 * net quantity at the last price; what matched buys and sells realized stays.
 */
export function valuePositions(positions: readonly Position[], instruments: readonly Instrument[] | undefined): Position[] {
  const live = new Map((instruments ?? []).map((i) => [i.symbol, i]));
  return positions.map((p) => {
    const instrument = live.get(p.symbol);
    if (instrument === undefined || instrument.lastTradedPrice === p.ltp) return p;
    const pnl = paise(p.sellValue) - paise(p.buyValue) + p.quantity * paise(instrument.lastTradedPrice);
    return { ...p, ltp: instrument.lastTradedPrice, pnl: rupees(pnl), unrealizedPnl: rupees(pnl - paise(p.realizedPnl)) };
  });
}

/** The open intraday positions' P&L at their last prices: what equity counts of them. */
function intradayPnl(positions: readonly Position[]): number {
  return positions.reduce((sum, p) => (p.product === "MIS" ? sum + p.quantity * (paise(p.ltp) - paise(p.averagePrice)) : sum), 0);
}

/** Funds with holdings, open intraday positions (when given), equity and total P&L at the live prices. */
export function valueFunds(funds: FundsView, holdings: readonly Holding[] | undefined, positions?: readonly Position[]): FundsView {
  if (holdings === undefined) return funds;
  const holdingsValue = holdings.reduce((sum, h) => sum + paise(h.currentValue), 0);
  const intraday = positions === undefined ? 0 : intradayPnl(positions);
  const equity = paise(funds.cash) + holdingsValue + intraday;
  return { ...funds, holdingsValue: rupees(holdingsValue), equity: rupees(equity), totalPnl: rupees(equity - paise(funds.deposited)) };
}

export interface FillMarker {
  /** Start of the candle's minute, in seconds, as the chart counts time. */
  time: number;
  position: "belowBar" | "aboveBar";
  shape: "arrowUp" | "arrowDown";
  color: string;
  text: string;
}

/**
 * A moment as the chart's time: seconds on the Indian clock, as if it were UTC. The chart library
 * labels its axis in UTC, so shifting every candle by IST's offset labels it with the market's
 * time in any browser, and a day candle (midnight IST) with its own date.
 */
export const chartTime = (ms: number): number => (ms + IST_OFFSET_MS) / 1000;

/**
 * The user's fills as chart markers: buys below the candle, sells above, one per candle of
 * `interval` and side with the quantities added up, oldest first as the chart requires.
 */
export function fillMarkers(trades: readonly Trade[], interval: CandleInterval = "1m"): FillMarker[] {
  const bySlot = new Map<string, { time: number; side: "BUY" | "SELL"; quantity: number }>();
  for (const t of trades) {
    const time = chartTime(intervalStart(Date.parse(t.time), interval));
    const key = `${time}:${t.side}`;
    const slot = bySlot.get(key);
    if (slot === undefined) bySlot.set(key, { time, side: t.side, quantity: t.quantity });
    else slot.quantity += t.quantity;
  }
  return [...bySlot.values()]
    .sort((a, b) => a.time - b.time || (a.side === "BUY" ? -1 : 1))
    .map((s) =>
      s.side === "BUY"
        ? { time: s.time, position: "belowBar", shape: "arrowUp", color: "#4c8dff", text: `B ${s.quantity}` }
        : { time: s.time, position: "aboveBar", shape: "arrowDown", color: "#ff9f43", text: `S ${s.quantity}` },
    );
}
