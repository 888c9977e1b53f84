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
  /** A fill of the broker's square-off order: its order bears the square-off fee once. */
  squareOff?: boolean | undefined;
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

/** Each component of a breakdown with its name on a contract note, in the order a note lists them. */
export const CHARGE_COMPONENTS: ReadonlyArray<readonly [keyof ChargeBreakdown, string]> = [
  ["brokerage", "Brokerage"],
  ["stt", "STT"],
  ["exchange", "Exchange transaction charges"],
  ["ipft", "IPFT (NSE)"],
  ["sebi", "SEBI turnover fee"],
  ["stampDuty", "Stamp duty"],
  ["gst", "GST"],
  ["dp", "DP charges"],
  ["squareOff", "Auto square-off fee"],
  ["total", "Total charges"],
];

/** What a day's charges are worked out from: its fills, summed as the rules need them. */
export interface DayTurnover {
  /** Value by product and side. */
  byProduct: Record<Product, Record<Side, Paise>>;
  byExchange: Record<Exchange, Paise>;
  /** Each order's value so far, and its product (brokerage is per executed order). */
  orders: Map<string, { product: Product; value: Paise }>;
  /** The day's brokerage: each order's, on its value so far, summed as fills come. */
  brokerage: Paise;
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
    brokerage: 0,
    deliverySells: new Set(),
    squaredOff: 0,
  };
}

const ofTurnover = (value: Paise, rate: PerCrore): Paise => mulDivRound(value, rate, CRORE);

/** The brokerage of an order of `value` under `product`'s plan. */
function brokerageOf(value: Paise, product: Product, rates: ChargeRates): Paise {
  const plan = rates.brokerage[product];
  const charged = ofTurnover(value, plan.perCrore);
  return plan.capPerOrder === null ? charged : Math.min(charged, plan.capPerOrder);
}

/** The day with one more fill. */
export function addFill(day: DayTurnover, fill: ChargedFill, rates: ChargeRates): void {
  day.byProduct[fill.product][fill.side] += fill.value;
  day.byExchange[fill.exchange] += fill.value;
  let order = day.orders.get(fill.orderId);
  if (order === undefined) {
    order = { product: fill.product, value: 0 };
    day.orders.set(fill.orderId, order);
    if (fill.squareOff === true) day.squaredOff += 1;
  }
  const before = brokerageOf(order.value, order.product, rates);
  order.value += fill.value;
  day.brokerage += brokerageOf(order.value, order.product, rates) - before;
  if (fill.product === "CNC" && fill.side === "SELL") day.deliverySells.add(fill.symbol);
}

/** The day's charges, each component rounded once (see above). */
export function dayCharges(day: DayTurnover, rates: ChargeRates): ChargeBreakdown {
  const brokerage = day.brokerage;
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
  addFill(day, { ...fill, orderId: "preview" }, rates);
  return dayCharges(day, rates);
}

/**
 * The most the fills of an order of `value` can add to a day's charges, whatever else the day
 * holds: its charges alone, plus what rounding the day's totals once can add (a rupee of STT, a
 * paisa for each other component). A BUY blocks this beside its value, so cash always pays them.
 */
export function chargeBound(fill: Omit<ChargedFill, "orderId" | "symbol">, rates: ChargeRates): Paise {
  if (fill.value === 0) return 0;
  return orderCharges({ ...fill, symbol: "" }, rates).total + ROUNDING_SLACK;
}

/**
 * What rounding the day's totals can add over an order's own charges: a rupee of STT; a paisa for
 * brokerage, SEBI's fee and GST; two for exchange charges, IPFT and stamp duty (two terms each);
 * and GST on the taxable ones' paise. ₹1.20 covers it.
 */
const ROUNDING_SLACK = 120;
