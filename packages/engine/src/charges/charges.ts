// The charges of a trading day, as a contract note shows them (rates: rates.ts).
//
// Rounding, the rule this market implements: each component is worked out on the day's totals and
// rounded once, half away from zero, to the paisa (STT to the rupee, as brokers' contract notes
// show it): brokerage per executed order (its cap applies to the order's whole value that day),
// STT on the day's buy and sell values by product, exchange charges, the IPFT contribution and
// SEBI's fee on the day's turnover by exchange, stamp duty on the day's buy value by product, GST
// on the taxable charges' rounded total, DP charges per scrip sold from delivery. A trade is
// charged the difference its fill makes to the day's totals, so what cash pays over a day is
// exactly the contract note's total.
import { mulDivRound, type Paise } from "../money.js";
import type { Exchange, Side } from "../types.js";
import { PRODUCTS, type ChargeRates, type PerCrore, type Product } from "./rates.js";

/** A rate per crore applies to a value in paise as it does in rupees: charge = value × rate / 1 crore. */
const CRORE = 1_00_00_000;

/** One fill as charges see it. */
export interface ChargedFill {
  orderId: string;
  symbol: string;
  side: Side;
  product: Product;
  exchange: Exchange;
  /** quantity × price, in paise. */
  value: Paise;
}

/** The charges of a day (or of one order), per component, in paise. */
export interface ChargeBreakdown {
  brokerage: Paise;
  stt: Paise;
  exchange: Paise;
  ipft: Paise;
  sebi: Paise;
  stampDuty: Paise;
  gst: Paise;
  dp: Paise;
  squareOff: Paise;
  total: Paise;
}

/** What a day's charges are worked out from: its fills, summed as the rules need them. */
export interface DayTurnover {
  /** Value by product and side. */
  byProduct: Record<Product, Record<Side, Paise>>;
  byExchange: Record<Exchange, Paise>;
  /** Each order's value so far, and its product (brokerage is per executed order). */
  orders: Map<string, { product: Product; value: Paise }>;
  /** Scrips sold from delivery (DP charges). */
  deliverySells: Set<string>;
  /** Intraday orders the broker squared off. */
  squaredOff: number;
}

export function emptyDay(): DayTurnover {
  return {
    byProduct: { CNC: { BUY: 0, SELL: 0 }, MIS: { BUY: 0, SELL: 0 } },
    byExchange: { NSE: 0, BSE: 0 },
    orders: new Map(),
    deliverySells: new Set(),
    squaredOff: 0,
  };
}

/** The day with one more fill. */
export function addFill(day: DayTurnover, fill: ChargedFill): void {
  day.byProduct[fill.product][fill.side] += fill.value;
  day.byExchange[fill.exchange] += fill.value;
  const order = day.orders.get(fill.orderId);
  if (order === undefined) day.orders.set(fill.orderId, { product: fill.product, value: fill.value });
  else order.value += fill.value;
  if (fill.product === "CNC" && fill.side === "SELL") day.deliverySells.add(fill.symbol);
}

const ofTurnover = (value: Paise, rate: PerCrore): Paise => mulDivRound(value, rate, CRORE);

/** The day's charges, each component rounded once (see above). */
export function dayCharges(day: DayTurnover, rates: ChargeRates): ChargeBreakdown {
  let brokerage = 0;
  for (const { product, value } of day.orders.values()) {
    const plan = rates.brokerage[product];
    const charged = ofTurnover(value, plan.perCrore);
    brokerage += plan.capPerOrder === null ? charged : Math.min(charged, plan.capPerOrder);
  }
  // STT is summed exactly (value × rate can pass 2^53) and rounded once, to the rupee.
  let sttExact = 0n;
  let stampDuty = 0;
  for (const product of PRODUCTS) {
    const { BUY, SELL } = day.byProduct[product];
    sttExact += BigInt(BUY) * BigInt(rates.stt[product].buy) + BigInt(SELL) * BigInt(rates.stt[product].sell);
    stampDuty += ofTurnover(BUY, rates.stampDuty[product]);
  }
  const perRupee = BigInt(CRORE) * 100n;
  const stt = Number((sttExact + perRupee / 2n) / perRupee) * 100;
  const turnover = day.byExchange.NSE + day.byExchange.BSE;
  const exchange = ofTurnover(day.byExchange.NSE, rates.exchange.NSE) + ofTurnover(day.byExchange.BSE, rates.exchange.BSE);
  const ipft = ofTurnover(day.byExchange.NSE, rates.ipft.NSE) + ofTurnover(day.byExchange.BSE, rates.ipft.BSE);
  const sebi = ofTurnover(turnover, rates.sebi);
  const dp = day.deliverySells.size * rates.dpPerScrip;
  const squareOff = day.squaredOff * rates.squareOffFee;
  const gst = mulDivRound(brokerage + exchange + ipft + sebi + dp + squareOff, rates.gstPercent, 100);
  const total = brokerage + stt + exchange + ipft + sebi + stampDuty + gst + dp + squareOff;
  return { brokerage, stt, exchange, ipft, sebi, stampDuty, gst, dp, squareOff, total };
}

/** The charges one order would bear alone on a day with nothing else (a preview before placing it). */
export function orderCharges(fill: Omit<ChargedFill, "orderId">, rates: ChargeRates): ChargeBreakdown {
  const day = emptyDay();
  addFill(day, { ...fill, orderId: "preview" });
  return dayCharges(day, rates);
}
