// Commands: everything that changes the engine, each carrying its time (see engine.ts).
import type { ChargeRates, Product } from "./charges/rates.js";
import type { Paise } from "./money.js";
import type { InstrumentSpec, Millis, OrderInput } from "./types.js";

interface CommandBase {
  time: Millis;
}

export interface AddInstrumentCommand extends CommandBase, FromFeed {
  kind: "addInstrument";
  instrument: InstrumentSpec;
}
export interface OpenAccountCommand extends CommandBase {
  kind: "openAccount";
  userId: string;
  cash: Paise;
}
/** Cancels every open order, clears holdings and sets cash: a fresh start for one user. */
export interface ResetAccountCommand extends CommandBase {
  kind: "resetAccount";
  userId: string;
  cash: Paise;
}
export interface PlaceOrderCommand extends CommandBase {
  kind: "placeOrder";
  userId: string;
  orderId: string;
  order: OrderInput;
}
export interface ModifyOrderCommand extends CommandBase {
  kind: "modifyOrder";
  userId: string;
  orderId: string;
  quantity?: number | undefined;
  price?: Paise | undefined;
  triggerPrice?: Paise | undefined;
}
export interface CancelOrderCommand extends CommandBase {
  kind: "cancelOrder";
  userId: string;
  orderId: string;
}
/**
 * What the market commands of a cluster carry: where the command is in the cluster's market stream
 * (its stream sequence), kept once applied so a shard resumes right after it.
 */
interface FromFeed {
  feedSeq?: number | undefined;
}
export interface TickCommand extends CommandBase, FromFeed {
  kind: "tick";
  symbol: string;
  price: Paise;
  volume: number;
}
export interface OpenSessionCommand extends CommandBase, FromFeed {
  kind: "openSession";
}
/**
 * Pre-open order entry begins (09:00 on NSE): a new trading day, as at a session's open, and the
 * after-market orders waiting for it enter the pre-open.
 */
export interface StartPreOpenCommand extends CommandBase, FromFeed {
  kind: "startPreOpen";
}
/** One instrument's opening price, as the market outside discovered it, and the volume traded at it. */
export interface OpeningPrice {
  symbol: string;
  price: Paise;
  volume: number;
}
/**
 * The opening auction (09:08 on NSE): each listed instrument opens at its price, and the pre-open
 * orders that price crosses fill at it (see commands/auction.ts). Pre-open order entry ends.
 */
export interface OpeningAuctionCommand extends CommandBase, FromFeed {
  kind: "openingAuction";
  prices: OpeningPrice[];
}
/** Closes the market: every open DAY order expires and its reservation is released. */
export interface CloseSessionCommand extends CommandBase, FromFeed {
  kind: "closeSession";
}

/**
 * Sets the rates every later trade is charged at (see charges/rates.ts), or none. Taken only while
 * no order is open, as open BUY orders block cash for their charges.
 */
export interface SetChargeRatesCommand extends CommandBase, FromFeed {
  kind: "setChargeRates";
  rates: ChargeRates | null;
}

/**
 * The intraday square-off (15:20 on NSE, as brokers run it): every open intraday (MIS) order is
 * cancelled and every MIS position is closed by a MARKET order at the last price, each bearing the
 * square-off fee. Intraday orders are refused from then until the market closes.
 */
export interface SquareOffCommand extends CommandBase, FromFeed {
  kind: "squareOff";
}

/** Moves `quantity` of today's position in `symbol` from one product to the other (see commands/intraday.ts). */
export interface ConvertPositionCommand extends CommandBase {
  kind: "convertPosition";
  userId: string;
  symbol: string;
  quantity: number;
  from: Product;
  to: Product;
}

/**
 * Lets go of closed orders placed with a clientOrderId that closed before `closedBefore`, when
 * closed orders are not retained (see StoreOptions): memory then holds open state only, and the
 * caller answers a retry of such a key from its history. Changes nothing else; emits no events.
 */
export interface ForgetClientOrderIdsCommand extends CommandBase {
  kind: "forgetClientOrderIds";
  closedBefore: Millis;
}

export type Command =
  | AddInstrumentCommand
  | OpenAccountCommand
  | ResetAccountCommand
  | PlaceOrderCommand
  | ModifyOrderCommand
  | CancelOrderCommand
  | TickCommand
  | StartPreOpenCommand
  | OpeningAuctionCommand
  | OpenSessionCommand
  | CloseSessionCommand
  | SetChargeRatesCommand
  | SquareOffCommand
  | ConvertPositionCommand
  | ForgetClientOrderIdsCommand;
