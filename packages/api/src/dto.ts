// What clients see: the engine's views with every amount in decimal rupees. Every procedure's
// output goes through these, so paise never leak past the API edge.
import {
  DEFAULT_INTRADAY_LEVERAGE,
  divRound,
  ORDER_CAUSE_TEXT,
  type BasketMargin,
  type PositionView,
  type ChargeBreakdown,
  paiseToRupees,
  type Funds,
  type HoldingView,
  type InstrumentView,
  type OrderDetail,
  type OrderView,
  type Quote,
  type Trade,
} from "@trading/engine";

import type { z } from "zod";
import type {
  basketMarginOutput,
  positionOutput,
  chargesOutput,
  fundsOutput,
  holdingOutput,
  instrumentOutput,
  orderDetailOutput,
  orderOutput,
  quoteOutput,
  tradeOutput,
} from "./outputs.js";

const rupees = (paise: number): number => paiseToRupees(paise);
const maybeRupees = (paise: number | null): number | null => (paise === null ? null : paiseToRupees(paise));
const iso = (ms: number): string => new Date(ms).toISOString();
const maybeIso = (ms: number | null): string | null => (ms === null ? null : iso(ms));

export function quoteDto(q: Quote): z.infer<typeof quoteOutput> {
  return {
    symbol: q.symbol,
    tickSize: rupees(q.tickSize),
    band: q.band === null ? null : { lower: rupees(q.band.lower), upper: rupees(q.band.upper) },
    circuit: q.circuit,
    lastTradedPrice: rupees(q.lastTradedPrice),
    previousClose: rupees(q.previousClose),
    open: rupees(q.open),
    high: rupees(q.high),
    low: rupees(q.low),
    volume: q.volume,
    change: rupees(q.change),
    changePercent: q.changePercent,
    lastTickAt: maybeIso(q.lastTickAt),
  };
}

export function instrumentDto(i: InstrumentView): z.infer<typeof instrumentOutput> {
  return {
    ...quoteDto(i),
    name: i.name,
    exchange: i.exchange,
    instrumentType: i.instrumentType,
    lotSize: i.lotSize,
    // Instruments from a gateway's older engine: the default.
    intradayLeverage: i.intradayLeverage ?? DEFAULT_INTRADAY_LEVERAGE,
    priceBand: i.priceBand,
  };
}

export function orderDto(o: OrderView): z.infer<typeof orderOutput> {
  return {
    orderId: o.orderId,
    userId: o.userId,
    clientOrderId: o.clientOrderId,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    validity: o.validity,
    // Orders recorded before products have neither field.
    product: o.product ?? "CNC",
    quantity: o.quantity,
    price: maybeRupees(o.price),
    triggerPrice: maybeRupees(o.triggerPrice),
    state: o.state,
    filledQuantity: o.filledQuantity,
    averageFillPrice: maybeRupees(o.averageFillPrice),
    rejectReason: o.rejectReason,
    rejectMessage: o.rejectMessage,
    placedAt: iso(o.placedAt),
    updatedAt: iso(o.updatedAt),
    triggeredAt: maybeIso(o.triggeredAt),
    // Orders recorded before after-market orders have neither field.
    amo: o.amo ?? false,
    waitingFor: o.waitingFor ?? null,
    squareOff: o.squareOff ?? false,
  };
}

export function tradeDto(t: Trade): z.infer<typeof tradeOutput> {
  return {
    tradeId: t.tradeId,
    orderId: t.orderId,
    symbol: t.symbol,
    side: t.side,
    quantity: t.quantity,
    price: rupees(t.price),
    time: iso(t.time),
    product: t.product ?? "CNC",
    squareOff: t.squareOff === true,
  };
}

export function orderDetailDto(o: OrderDetail): z.infer<typeof orderDetailOutput> {
  return {
    ...orderDto(o),
    history: o.history.map((h) => ({ state: h.state, time: iso(h.time), cause: h.cause, description: ORDER_CAUSE_TEXT[h.cause] })),
    trades: o.trades.map(tradeDto),
  };
}

export function holdingDto(h: HoldingView): z.infer<typeof holdingOutput> {
  return {
    symbol: h.symbol,
    quantity: h.quantity,
    t1Quantity: h.t1Quantity ?? 0,
    reservedQuantity: h.reservedQuantity,
    averagePrice: rupees(h.averagePrice),
    ltp: rupees(h.ltp),
    investedValue: rupees(h.investedValue),
    currentValue: rupees(h.currentValue),
    unrealizedPnl: rupees(h.unrealizedPnl),
    unrealizedPnlPercent: h.unrealizedPnlPercent,
    realizedPnl: rupees(h.realizedPnl),
    dayChange: rupees(h.dayChange),
    dayChangePercent: h.dayChangePercent,
  };
}

export function fundsDto(f: Funds): z.infer<typeof fundsOutput> {
  return {
    cash: rupees(f.cash),
    blocked: rupees(f.blocked),
    marginUsed: rupees(f.marginUsed ?? 0),
    available: rupees(f.available),
    holdingsValue: rupees(f.holdingsValue),
    equity: rupees(f.equity),
    totalPnl: rupees(f.totalPnl),
    deposited: rupees(f.deposited),
    // Funds from before charges (a gateway's older engine) have neither.
    chargesToday: rupees(f.chargesToday ?? 0),
    chargesPaid: rupees(f.chargesPaid ?? 0),
    realizedPnl: rupees(f.realizedPnl ?? 0),
    realizedPnlNet: rupees(f.realizedPnlNet ?? 0),
  };
}

export function positionDto(p: PositionView): z.infer<typeof positionOutput> {
  return {
    symbol: p.symbol,
    product: p.product,
    quantity: p.quantity,
    averagePrice: rupees(p.averagePrice),
    buyQuantity: p.buyQuantity,
    buyValue: rupees(p.buyValue),
    buyPrice: p.buyQuantity === 0 ? 0 : rupees(divRound(p.buyValue, p.buyQuantity)),
    sellQuantity: p.sellQuantity,
    sellValue: rupees(p.sellValue),
    sellPrice: p.sellQuantity === 0 ? 0 : rupees(divRound(p.sellValue, p.sellQuantity)),
    ltp: rupees(p.ltp),
    pnl: rupees(p.pnl),
    realizedPnl: rupees(p.realizedPnl),
    unrealizedPnl: rupees(p.unrealizedPnl),
    margin: rupees(p.margin),
  };
}

export function basketMarginDto(b: BasketMargin): z.infer<typeof basketMarginOutput> {
  return {
    orders: b.orders.map((o) => ({
      ...o,
      price: rupees(o.price),
      value: rupees(o.value),
      margin: rupees(o.margin),
      charges: rupees(o.charges),
      blocked: rupees(o.blocked),
    })),
    blocked: rupees(b.blocked),
    available: rupees(b.available),
    shortfall: rupees(b.shortfall),
  };
}

export type QuoteDto = ReturnType<typeof quoteDto>;
export type InstrumentDto = ReturnType<typeof instrumentDto>;
export type OrderDto = ReturnType<typeof orderDto>;
export type OrderDetailDto = ReturnType<typeof orderDetailDto>;
export type TradeDto = ReturnType<typeof tradeDto>;
export type HoldingDto = ReturnType<typeof holdingDto>;
export type FundsDto = ReturnType<typeof fundsDto>;
export type PositionDto = ReturnType<typeof positionDto>;

/** A breakdown of charges in rupees. */
export function chargesDto(c: ChargeBreakdown): z.infer<typeof chargesOutput> {
  return {
    brokerage: rupees(c.brokerage),
    stt: rupees(c.stt),
    exchange: rupees(c.exchange),
    ipft: rupees(c.ipft),
    sebi: rupees(c.sebi),
    stampDuty: rupees(c.stampDuty),
    gst: rupees(c.gst),
    dp: rupees(c.dp),
    squareOff: rupees(c.squareOff),
    total: rupees(c.total),
  };
}
