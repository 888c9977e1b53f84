// Domain types shared by the engine, the API, the web app and the CLI. Amounts are integer paise.
import type { Product } from "./charges/rates.js";
import type { BandLimits, PriceBand } from "./price-rules.js";
import type { Paise } from "./money.js";
import type { ReasonCode } from "./reasons.js";

export const SIDES = ["BUY", "SELL"] as const;
export const ORDER_TYPES = ["MARKET", "LIMIT", "SL", "SL_M"] as const;
export const VALIDITIES = ["DAY", "IOC"] as const;
export const EXCHANGES = ["NSE", "BSE"] as const;
export const INSTRUMENT_TYPES = ["EQ"] as const;
/**
 * The market's phase, as the engine keeps it: closed; pre-open order entry (LIMIT and MARKET DAY
 * orders collect for the opening auction); opening (the opening price is set, the normal market
 * not yet open); open (the normal market). See commands/session.ts.
 */
export const MARKET_PHASES = ["closed", "pre-open", "opening", "open"] as const;
export type MarketPhase = (typeof MARKET_PHASES)[number];

/**
 * What an accepted order waits for before it meets the market: the next pre-open (an after-market
 * LIMIT or MARKET DAY order), the opening auction (a MARKET order placed in pre-open), or the normal
 * market (every other order placed while the market cannot take it).
 */
export const WAITING_FOR = ["pre-open", "auction", "open"] as const;
export type WaitingFor = (typeof WAITING_FOR)[number];

export const ORDER_STATES = ["PLACED", "TRIGGER_PENDING", "PARTIALLY_EXECUTED", "EXECUTED", "CANCELLED", "REJECTED", "EXPIRED"] as const;

/** `ORDER_TYPES.indexOf(type)`, spelled out: it runs for every order placed. */
export function orderTypeIndex(type: OrderType): number {
  switch (type) {
    case "MARKET":
      return 0;
    case "LIMIT":
      return 1;
    case "SL":
      return 2;
    case "SL_M":
      return 3;
  }
}

/** `ORDER_STATES.indexOf(state)`, spelled out: it runs for every state change. */
export function orderStateIndex(state: OrderState): number {
  switch (state) {
    case "PLACED":
      return 0;
    case "TRIGGER_PENDING":
      return 1;
    case "PARTIALLY_EXECUTED":
      return 2;
    case "EXECUTED":
      return 3;
    case "CANCELLED":
      return 4;
    case "REJECTED":
      return 5;
    case "EXPIRED":
      return 6;
  }
}

export type Side = (typeof SIDES)[number];
export type OrderType = (typeof ORDER_TYPES)[number];
export type Validity = (typeof VALIDITIES)[number];
export type Exchange = (typeof EXCHANGES)[number];
export type InstrumentType = (typeof INSTRUMENT_TYPES)[number];
export type OrderState = (typeof ORDER_STATES)[number];

/** Milliseconds since the Unix epoch, supplied by the caller with every command. */
export type Millis = number;

export interface InstrumentSpec {
  symbol: string;
  name: string;
  exchange: Exchange;
  instrumentType: InstrumentType;
  tickSize: Paise;
  lotSize: number;
  /** The price the instrument opens the simulation at; also its previous close. */
  price: Paise;
  /**
   * "nse": the tick size follows the price by NSE's table, reviewed at each session open (see
   * price-rules.ts), and `tickSize` is only the listing price's grid. Absent: `tickSize` always.
   */
  tickSizeRule?: "nse" | undefined;
  /** The daily price band (see price-rules.ts); absent: none (instruments listed before bands). */
  band?: PriceBand | undefined;
  /**
   * Intraday (MIS) leverage: an MIS position blocks its value divided by this as margin. Absent:
   * `DEFAULT_INTRADAY_LEVERAGE` (see intraday.ts).
   */
  intradayLeverage?: number | undefined;
}

export interface Quote {
  symbol: string;
  /** The step prices move in now (see `InstrumentSpec.tickSizeRule`). */
  tickSize: Paise;
  /** Today's price band: prices outside it are refused; null when the instrument has none. */
  band: BandLimits | null;
  /** "upper" or "lower" when the price sits at its fixed band's edge (no trade beyond it today). */
  circuit: "upper" | "lower" | null;
  lastTradedPrice: Paise;
  previousClose: Paise;
  open: Paise;
  high: Paise;
  low: Paise;
  /** Shares traded since the session opened. */
  volume: number;
  change: Paise;
  /** Percent change from the previous close, rounded to two decimals. */
  changePercent: number;
  lastTickAt: Millis | null;
}

export interface InstrumentView extends Quote {
  name: string;
  exchange: Exchange;
  instrumentType: InstrumentType;
  lotSize: number;
  /** The kind of band (a percentage, or dynamic); null when none. */
  priceBand: PriceBand | null;
  /** Intraday (MIS) leverage: a position holds its value divided by this as margin. */
  intradayLeverage: number;
}

interface OrderInputBase {
  symbol: string;
  side: Side;
  quantity: number;
  validity: Validity;
  /** CNC (delivery) when absent. */
  product?: Product | undefined;
  clientOrderId?: string | undefined;
}

export interface MarketOrderInput extends OrderInputBase {
  type: "MARKET";
}
export interface LimitOrderInput extends OrderInputBase {
  type: "LIMIT";
  price: Paise;
}
export interface StopLimitOrderInput extends OrderInputBase {
  type: "SL";
  price: Paise;
  triggerPrice: Paise;
}
export interface StopMarketOrderInput extends OrderInputBase {
  type: "SL_M";
  triggerPrice: Paise;
}

/** An order as a user asks for it, in paise. Each type carries exactly the prices it needs. */
export type OrderInput = MarketOrderInput | LimitOrderInput | StopLimitOrderInput | StopMarketOrderInput;

/** Why an order moved to a state: one vocabulary for the engine, the API and every surface. */
export const ORDER_CAUSES = [
  "placed",
  "rejected",
  "entered",
  "entry-rejected",
  "triggered",
  "trigger-unfunded",
  "modified",
  "filled",
  "cancelled",
  "ioc-unfilled",
  "session-closed",
  "account-reset",
  "squared-off",
] as const;
export type OrderCause = (typeof ORDER_CAUSES)[number];

/** Each cause in words, as traders read them in an order's history. */
export const ORDER_CAUSE_TEXT: Record<OrderCause, string> = {
  placed: "placed",
  rejected: "rejected on placing",
  entered: "entered the market",
  "entry-rejected": "rejected when it entered the market",
  triggered: "stop triggered",
  "trigger-unfunded": "stop triggered, but the funds were no longer there: rejected",
  modified: "modified",
  filled: "filled",
  cancelled: "cancelled",
  "ioc-unfilled": "IOC: nothing more filled on arrival, cancelled",
  "session-closed": "expired at the session's close",
  "account-reset": "cancelled when the account was reset",
  "squared-off": "intraday square-off by the broker",
};

export interface StateChange {
  state: OrderState;
  time: Millis;
  cause: OrderCause;
}

export interface OrderView {
  orderId: string;
  userId: string;
  clientOrderId: string | null;
  symbol: string;
  side: Side;
  type: OrderType;
  validity: Validity;
  product: Product;
  quantity: number;
  price: Paise | null;
  triggerPrice: Paise | null;
  state: OrderState;
  filledQuantity: number;
  /** Average of the fills, rounded to the paisa; null before the first fill. */
  averageFillPrice: Paise | null;
  rejectReason: ReasonCode | null;
  rejectMessage: string | null;
  placedAt: Millis;
  updatedAt: Millis;
  triggeredAt: Millis | null;
  /** Placed while the market could not take it (an after-market order, AMO); stays true. */
  amo: boolean;
  /** What the order still waits for before it meets the market; null once it has entered. */
  waitingFor: WaitingFor | null;
  /** Placed by the broker at the intraday square-off, not by the user. */
  squareOff: boolean;
}

export interface OrderDetail extends OrderView {
  history: StateChange[];
  trades: Trade[];
}

export interface Trade {
  tradeId: string;
  orderId: string;
  userId: string;
  symbol: string;
  side: Side;
  quantity: number;
  price: Paise;
  time: Millis;
  /** Absent in trades from before products: CNC. */
  product?: Product | undefined;
  /** True for a fill of the broker's square-off order (it bears the square-off fee). */
  squareOff?: true | undefined;
}

export interface Funds {
  userId: string;
  cash: Paise;
  /** Held back for open orders: a delivery BUY's value and charges, an intraday order's margin. */
  blocked: Paise;
  /** Margin held by open intraday (MIS) positions. */
  marginUsed: Paise;
  /** Cash less what is blocked and the margin used. */
  available: Paise;
  holdingsValue: Paise;
  equity: Paise;
  /** Equity minus all cash ever deposited. */
  totalPnl: Paise;
  deposited: Paise;
  /** Brokerage, taxes and fees charged on today's trades (see charges/charges.ts). */
  chargesToday: Paise;
  /** All charges paid since the account opened or was reset. */
  chargesPaid: Paise;
  /** Profit or loss booked by sales, before charges (the sum over holdings). */
  realizedPnl: Paise;
  /** `realizedPnl` less every charge paid. */
  realizedPnlNet: Paise;
}

export interface HoldingView {
  symbol: string;
  quantity: number;
  /**
   * Of `quantity`, the shares bought today: a delivery buy settles the next trading day (T+1), so
   * they show as T1 until then (they can be sold meanwhile).
   */
  t1Quantity: number;
  /** Quantity promised to open SELL orders. */
  reservedQuantity: number;
  averagePrice: Paise;
  ltp: Paise;
  investedValue: Paise;
  currentValue: Paise;
  unrealizedPnl: Paise;
  unrealizedPnlPercent: number;
  realizedPnl: Paise;
  dayChange: Paise;
  dayChangePercent: number;
}

/**
 * Today's trades of one instrument in one product, as a position: what was bought and sold, the
 * net quantity, and its P&L marked to the market (M2M). An intraday (MIS) position is the account's
 * open intraday quantity; a delivery (CNC) position is today's delivery trades (the shares
 * themselves are holdings).
 */
export interface PositionView {
  symbol: string;
  product: Product;
  /** Bought less sold today: positive long, negative short. */
  quantity: number;
  /** The open intraday position's average entry price (MIS); the day's average buy or sell price (CNC). */
  averagePrice: Paise;
  buyQuantity: number;
  buyValue: Paise;
  sellQuantity: number;
  sellValue: Paise;
  ltp: Paise;
  /** Sold value less bought value plus the net quantity at the last price. */
  pnl: Paise;
  /** The part of `pnl` closed by matching buys and sells. */
  realizedPnl: Paise;
  /** The part of `pnl` still open (the net quantity against its price). */
  unrealizedPnl: Paise;
  /** Margin the open intraday position holds (MIS); 0 for CNC. */
  margin: Paise;
}

export type * from "./command-types.js";
export type * from "./event-types.js";
