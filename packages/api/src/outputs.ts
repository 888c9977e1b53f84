// Zod schemas of what the API answers. They document the REST mirror (OpenAPI) and are checked
// against the DTO functions at compile time, so the two cannot drift apart.
import {
  CALENDARS,
  EXCHANGES,
  INSTRUMENT_TYPES,
  ORDER_CAUSES,
  PRODUCTS,
  WAITING_FOR,
  ORDER_STATES,
  ORDER_TYPES,
  REASON_CODES,
  SIDES,
  VALIDITIES,
} from "@trading/engine";
import { z } from "zod";

const rupees = z.number().describe("rupees, at most two decimals");
const isoTime = z.string().describe("ISO-8601 time");

export const quoteOutput = z.object({
  symbol: z.string(),
  tickSize: rupees.describe("the step prices move in now (NSE's table, reviewed at each session open)"),
  band: z
    .object({ lower: rupees, upper: rupees })
    .nullable()
    .describe("today's price band: orders priced outside it are refused; null when the instrument has none"),
  circuit: z.enum(["upper", "lower"]).nullable().describe("set while the price sits at its fixed band's edge"),
  lastTradedPrice: rupees,
  previousClose: rupees,
  open: rupees,
  high: rupees,
  low: rupees,
  volume: z.number().int(),
  change: rupees,
  changePercent: z.number(),
  lastTickAt: isoTime.nullable(),
});

export const instrumentOutput = quoteOutput.extend({
  name: z.string(),
  exchange: z.enum(EXCHANGES),
  instrumentType: z.enum(INSTRUMENT_TYPES),
  lotSize: z.number().int(),
  intradayLeverage: z.number().int().describe("intraday (MIS) leverage: a position holds its value divided by this as margin"),
  priceBand: z
    .union([z.literal(2), z.literal(5), z.literal(10), z.literal(20), z.literal("dynamic")])
    .nullable()
    .describe('the band: a percentage of the previous close, or "dynamic" (10 %, flexed by 5 % as the price reaches it)'),
});

export const marketStatusOutput = z.object({
  phase: z.enum(["pre-open", "opening", "open", "closed"]).describe("where the market is in its trading day"),
  tradingDay: z.string().describe("the trading day (IST date) now, or the next one while closed"),
  nextOpen: isoTime.nullable().describe("when the normal market opens next; null for an always-open market"),
  nextClose: isoTime.nullable().describe("when it closes next (today's close while open)"),
  now: isoTime.describe("the market clock's time"),
  speed: z.number().describe("market seconds per second: 1 on the wall clock, more on a simulated one"),
  simulated: z.boolean(),
  calendar: z.enum(CALENDARS),
});

export const orderOutput = z.object({
  orderId: z.string(),
  userId: z.string(),
  clientOrderId: z.string().nullable(),
  symbol: z.string(),
  side: z.enum(SIDES),
  type: z.enum(ORDER_TYPES),
  validity: z.enum(VALIDITIES),
  product: z.enum(PRODUCTS).describe("CNC: delivery; MIS: intraday, on margin, squared off the same day"),
  quantity: z.number().int(),
  price: rupees.nullable(),
  triggerPrice: rupees.nullable(),
  state: z.enum(ORDER_STATES),
  filledQuantity: z.number().int(),
  averageFillPrice: rupees.nullable(),
  rejectReason: z.enum(REASON_CODES as [string, ...string[]]).nullable(),
  rejectMessage: z.string().nullable(),
  placedAt: isoTime,
  updatedAt: isoTime,
  triggeredAt: isoTime.nullable(),
  amo: z.boolean().describe("placed while the market could not take it: an after-market order"),
  waitingFor: z
    .enum(WAITING_FOR)
    .nullable()
    .describe(
      "what the order waits for before it meets the market: the next pre-open (09:00 IST), the opening auction (09:08), the normal market (09:15); null once in the market",
    ),
  squareOff: z.boolean().describe("placed by the broker to square off an intraday position"),
});

export const tradeOutput = z.object({
  tradeId: z.string(),
  orderId: z.string(),
  symbol: z.string(),
  side: z.enum(SIDES),
  quantity: z.number().int(),
  price: rupees,
  time: isoTime,
  product: z.enum(PRODUCTS),
  squareOff: z.boolean().describe("a fill of the broker's square-off order (it bears the square-off fee)"),
});

export const orderDetailOutput = orderOutput.extend({
  history: z.array(z.object({ state: z.enum(ORDER_STATES), time: isoTime, cause: z.enum(ORDER_CAUSES), description: z.string() })),
  trades: z.array(tradeOutput),
});

export const holdingOutput = z.object({
  symbol: z.string(),
  quantity: z.number().int(),
  t1Quantity: z.number().int().describe("of quantity, shares bought today: they settle the next trading day (T+1)"),
  reservedQuantity: z.number().int(),
  averagePrice: rupees,
  ltp: rupees,
  investedValue: rupees,
  currentValue: rupees,
  unrealizedPnl: rupees,
  unrealizedPnlPercent: z.number(),
  realizedPnl: rupees,
  dayChange: rupees,
  dayChangePercent: z.number(),
});

export const fundsOutput = z.object({
  cash: rupees,
  blocked: rupees.describe("held for open orders: a delivery BUY's value and charges, an intraday order's margin"),
  marginUsed: rupees.describe("margin held by open intraday (MIS) positions"),
  available: rupees.describe("cash less blocked and margin used"),
  holdingsValue: rupees,
  equity: rupees,
  totalPnl: rupees,
  deposited: rupees,
  chargesToday: rupees.describe("brokerage, taxes and fees on today's trades"),
  chargesPaid: rupees.describe("all charges paid since the account opened or was reset"),
  realizedPnl: rupees.describe("profit or loss booked by sales, before charges"),
  realizedPnlNet: rupees.describe("realized P&L less every charge paid"),
});

export const candleOutput = z.object({ time: isoTime, open: rupees, high: rupees, low: rupees, close: rupees, volume: z.number().int() });

export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const whoamiOutput = z.object({ userId: z.string(), displayName: z.string(), isAdmin: z.boolean(), keyId: z.string() });

export const chargesOutput = z.object({
  brokerage: rupees,
  stt: rupees.describe("Securities Transaction Tax, rounded to the rupee"),
  exchange: rupees.describe("exchange transaction charges"),
  ipft: rupees.describe("NSE's Investor Protection Fund Trust contribution"),
  sebi: rupees.describe("SEBI's turnover fee"),
  stampDuty: rupees,
  gst: rupees.describe("18 % on brokerage, exchange charges, IPFT, SEBI's fee, DP charges and the square-off fee"),
  dp: rupees.describe("depository charges on a delivery sell"),
  squareOff: rupees.describe("the broker's fee for squaring off an intraday position"),
  total: rupees,
});

export const chargesPreviewOutput = z.object({
  symbol: z.string(),
  side: z.enum(SIDES),
  quantity: z.number().int(),
  price: rupees,
  product: z.enum(PRODUCTS),
  value: rupees,
  charges: chargesOutput,
  ratesEffective: z.string().nullable().describe("the date the rate table took effect; null without charges"),
});

export const contractNoteOutput = z.object({
  date: z.string().describe("the trading day, IST"),
  ratesEffective: z.string().nullable().describe("the date the rate table took effect; null without charges"),
  trades: z.array(
    z.object({
      tradeId: z.string(),
      orderId: z.string(),
      time: isoTime,
      symbol: z.string(),
      side: z.enum(SIDES),
      product: z.enum(PRODUCTS),
      exchange: z.enum(EXCHANGES),
      quantity: z.number().int(),
      price: rupees,
      value: rupees,
      charges: chargesOutput.nullable().describe("what this trade added to the day's charges"),
    }),
  ),
  totals: chargesOutput.nullable(),
  buyValue: rupees,
  sellValue: rupees,
  net: rupees.describe("sells less buys less charges: positive is receivable, negative payable"),
});

export const positionOutput = z.object({
  symbol: z.string(),
  product: z.enum(PRODUCTS),
  quantity: z.number().int().describe("bought less sold today: negative is short"),
  averagePrice: rupees.describe("the open intraday position's average entry; for CNC the day's average buy (or sell) price"),
  buyQuantity: z.number().int(),
  buyValue: rupees,
  buyPrice: rupees.describe("average buy price today; 0 without buys"),
  sellQuantity: z.number().int(),
  sellValue: rupees,
  sellPrice: rupees.describe("average sell price today; 0 without sells"),
  ltp: rupees,
  pnl: rupees.describe("marked to market: sold value less bought value plus the net quantity at the last price"),
  realizedPnl: rupees.describe("the part of pnl closed by matching buys and sells"),
  unrealizedPnl: rupees.describe("the part of pnl still open"),
  margin: rupees.describe("margin the open intraday position holds; 0 for CNC"),
});

export const basketMarginOutput = z.object({
  orders: z.array(
    z.object({
      symbol: z.string(),
      side: z.enum(SIDES),
      product: z.enum(PRODUCTS),
      quantity: z.number().int(),
      price: rupees.describe("the price the order is sized at: its limit or trigger, else the last price"),
      value: rupees,
      margin: rupees.describe("intraday: margin for the part that would open a position; delivery BUY: its value"),
      charges: rupees.describe("the order's charges filled alone (an estimate)"),
      blocked: rupees.describe("what placing it would hold back, with room for its charges"),
      refusal: z.object({ code: z.enum(REASON_CODES as [string, ...string[]]), message: z.string() }).nullable(),
    }),
  ),
  blocked: rupees.describe("what the basket would hold back in all, its orders placed in order"),
  available: rupees,
  shortfall: rupees.describe("cash the basket needs beyond what is available; 0 when it fits"),
});
