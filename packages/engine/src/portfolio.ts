// Valuation of holdings and funds at the current market price. Amounts stay in paise; the only
// fractions are percentages, rounded to two decimals for display.
import { divRound, mulDivRound, type Paise } from "./money.js";
import { todaysLot, type AccountRecord, type InstrumentRecord, type PositionRecord } from "./records.js";
import type { Store } from "./store.js";
import type { Funds, HoldingView, PositionView, Quote } from "./types.js";

export function percent(part: number, whole: number): number {
  if (whole === 0) return 0;
  return Math.round((part / whole) * 10_000) / 100;
}

export function quoteOf(record: InstrumentRecord): Quote {
  const change = record.lastTradedPrice - record.previousClose;
  const band = record.band;
  const fixed = band !== null && record.spec.band !== "dynamic";
  return {
    symbol: record.spec.symbol,
    tickSize: record.tickSize,
    band: band === null ? null : { ...band },
    circuit: !fixed ? null : record.lastTradedPrice >= band.upper ? "upper" : record.lastTradedPrice <= band.lower ? "lower" : null,
    lastTradedPrice: record.lastTradedPrice,
    previousClose: record.previousClose,
    open: record.open,
    high: record.high,
    low: record.low,
    volume: record.volume,
    change,
    changePercent: percent(change, record.previousClose),
    lastTickAt: record.lastTickAt,
  };
}

/**
 * A holding's views. Its day change counts the shares held since before today's session from the
 * previous close and those bought today from their price (`tradingDay`: the store's), so a
 * position opened today shows the same day and total P&L.
 */
export function holdingsOf(account: AccountRecord, instruments: ReadonlyMap<string, InstrumentRecord>, tradingDay: number): HoldingView[] {
  const views: HoldingView[] = [];
  for (const h of account.holdings.values()) {
    if (h.quantity === 0 && h.realizedPnl === 0) continue;
    const instrument = instruments.get(h.symbol);
    const ltp = instrument?.lastTradedPrice ?? 0;
    const previousClose = instrument?.previousClose ?? ltp;
    const currentValue = h.quantity * ltp;
    const unrealizedPnl = currentValue - h.costBasis;
    const today = todaysLot(h, tradingDay);
    const carried = h.quantity - today.quantity;
    const dayChange = carried * (ltp - previousClose) + (today.quantity * ltp - today.cost);
    views.push({
      symbol: h.symbol,
      quantity: h.quantity,
      t1Quantity: today.quantity,
      reservedQuantity: h.reserved,
      averagePrice: h.quantity === 0 ? 0 : divRound(h.costBasis, h.quantity),
      ltp,
      investedValue: h.costBasis,
      currentValue,
      unrealizedPnl,
      unrealizedPnlPercent: percent(unrealizedPnl, h.costBasis),
      realizedPnl: h.realizedPnl,
      dayChange,
      dayChangePercent: percent(dayChange, carried * previousClose + today.cost),
    });
  }
  return views;
}

/** An open intraday position's profit or loss at the last price: value less cost when long, the reverse when short. */
function openPositionPnl(position: PositionRecord, ltp: Paise): Paise {
  return position.quantity >= 0 ? position.quantity * ltp - position.costBasis : position.costBasis + position.quantity * ltp;
}

/**
 * Today's positions: each product and symbol traded today, and each open intraday position. Its
 * P&L is marked to the market (sold less bought plus the net quantity at the last price), split
 * into what matched buys and sells realized and what is still open.
 */
export function positionsOf(
  account: AccountRecord,
  instruments: ReadonlyMap<string, InstrumentRecord>,
  tradingDay: number,
): PositionView[] {
  const views: PositionView[] = [];
  for (const activity of account.activity.values()) {
    if (activity.day !== tradingDay) continue;
    const { product, symbol, buyQuantity, buyValue, sellQuantity, sellValue } = activity;
    if (buyQuantity === 0 && sellQuantity === 0) continue;
    const ltp = instruments.get(symbol)?.lastTradedPrice ?? 0;
    const quantity = buyQuantity - sellQuantity;
    const pnl = sellValue - buyValue + quantity * ltp;
    const matched = Math.min(buyQuantity, sellQuantity);
    const realizedPnl = matched === 0 ? 0 : mulDivRound(sellValue, matched, sellQuantity) - mulDivRound(buyValue, matched, buyQuantity);
    const position = product === "MIS" ? account.positions.get(symbol) : undefined;
    const averagePrice =
      position !== undefined && position.quantity !== 0
        ? divRound(position.costBasis, Math.abs(position.quantity))
        : quantity > 0
          ? divRound(buyValue, buyQuantity)
          : quantity < 0
            ? divRound(sellValue, sellQuantity)
            : 0;
    views.push({
      symbol,
      product,
      quantity,
      averagePrice,
      buyQuantity,
      buyValue,
      sellQuantity,
      sellValue,
      ltp,
      pnl,
      realizedPnl,
      unrealizedPnl: pnl - realizedPnl,
      margin: position?.margin ?? 0,
    });
  }
  return views;
}

export function fundsOf(store: Store, account: AccountRecord): Funds {
  let holdingsValue = 0;
  let realizedPnl = 0;
  for (const h of account.holdings.values()) {
    holdingsValue += h.quantity * (store.instruments.get(h.symbol)?.lastTradedPrice ?? 0);
    realizedPnl += h.realizedPnl;
  }
  let intradayPnl = 0;
  for (const position of account.positions.values()) {
    realizedPnl += position.realizedPnl;
    intradayPnl += openPositionPnl(position, store.instruments.get(position.symbol)?.lastTradedPrice ?? 0);
  }
  const equity = account.cash + holdingsValue + intradayPnl;
  return {
    userId: account.userId,
    cash: account.cash,
    blocked: account.blocked,
    marginUsed: account.marginUsed,
    available: account.cash - account.blocked - account.marginUsed,
    holdingsValue,
    equity,
    totalPnl: equity - account.deposited,
    deposited: account.deposited,
    chargesToday: account.chargeDayOf === store.tradingDay ? account.chargesToday : 0,
    chargesPaid: account.chargesPaid,
    realizedPnl,
    realizedPnlNet: realizedPnl - account.chargesPaid,
  };
}
