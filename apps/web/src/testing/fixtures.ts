// Typed sample data in the shapes the API answers with.
import type { FundsView, Holding, Instrument, Order, Position, Trade } from "../live.js";

export function instrument(symbol: string, ltp: number, previousClose = ltp): Instrument {
  const change = Math.round((ltp - previousClose) * 100) / 100;
  return {
    symbol,
    name: `${symbol} Ltd`,
    exchange: "NSE",
    instrumentType: "EQ",
    tickSize: 0.05,
    band: null,
    circuit: null,
    priceBand: null,
    lotSize: 1,
    intradayLeverage: 5,
    lastTradedPrice: ltp,
    previousClose,
    open: previousClose,
    high: Math.max(ltp, previousClose),
    low: Math.min(ltp, previousClose),
    volume: 0,
    change,
    changePercent: previousClose === 0 ? 0 : Math.round((change / previousClose) * 10_000) / 100,
    lastTickAt: null,
  };
}

export function order(fields: Partial<Order> & Pick<Order, "orderId">): Order {
  return {
    userId: "demo",
    clientOrderId: null,
    symbol: "INFY",
    side: "BUY",
    type: "LIMIT",
    validity: "DAY",
    product: "CNC",
    quantity: 1,
    price: 1500,
    triggerPrice: null,
    state: "PLACED",
    filledQuantity: 0,
    averageFillPrice: null,
    rejectReason: null,
    rejectMessage: null,
    placedAt: "2026-11-24T09:15:00.000Z",
    updatedAt: "2026-11-24T09:15:00.000Z",
    triggeredAt: null,
    amo: false,
    waitingFor: null,
    squareOff: false,
    ...fields,
  };
}

export function trade(fields: Partial<Trade> & Pick<Trade, "tradeId">): Trade {
  return {
    orderId: "O1",
    symbol: "INFY",
    side: "BUY",
    quantity: 1,
    price: 1500,
    time: "2026-11-24T09:15:30.000Z",
    product: "CNC",
    squareOff: false,
    ...fields,
  };
}

export function holding(symbol: string, quantity: number, averagePrice: number, ltp: number): Holding {
  const invested = Math.round(quantity * averagePrice * 100) / 100;
  const current = Math.round(quantity * ltp * 100) / 100;
  return {
    symbol,
    quantity,
    t1Quantity: 0,
    reservedQuantity: 0,
    averagePrice,
    ltp,
    investedValue: invested,
    currentValue: current,
    unrealizedPnl: Math.round((current - invested) * 100) / 100,
    unrealizedPnlPercent: 0,
    realizedPnl: 0,
    dayChange: 0,
    dayChangePercent: 0,
  };
}

export function funds(fields: Partial<FundsView> = {}): FundsView {
  return {
    cash: 1_000_000,
    blocked: 0,
    marginUsed: 0,
    available: 1_000_000,
    holdingsValue: 0,
    equity: 1_000_000,
    totalPnl: 0,
    deposited: 1_000_000,
    chargesToday: 0,
    chargesPaid: 0,
    realizedPnl: 0,
    realizedPnlNet: 0,
    ...fields,
  };
}

/** An intraday position of `quantity` (negative: short) opened at `averagePrice`, marked at `ltp`. */
export function position(symbol: string, quantity: number, averagePrice: number, ltp: number): Position {
  const value = Math.round(Math.abs(quantity) * averagePrice * 100) / 100;
  const pnl = Math.round(quantity * (ltp - averagePrice) * 100) / 100;
  return {
    symbol,
    product: "MIS",
    quantity,
    averagePrice,
    buyQuantity: quantity > 0 ? quantity : 0,
    buyValue: quantity > 0 ? value : 0,
    buyPrice: quantity > 0 ? averagePrice : 0,
    sellQuantity: quantity < 0 ? -quantity : 0,
    sellValue: quantity < 0 ? value : 0,
    sellPrice: quantity < 0 ? averagePrice : 0,
    ltp,
    pnl,
    realizedPnl: 0,
    unrealizedPnl: pnl,
    margin: Math.ceil(value * 20) / 100,
  };
}
