// Events: every change, numbered by a global gap-free sequence; and what a command answers.
import type { ChargeRates, Product } from "./charges/rates.js";
import type { Paise } from "./money.js";
import type { ReasonCode } from "./reasons.js";
import type { InstrumentSpec, Millis, OrderCause, OrderView, Trade } from "./types.js";

interface EventBase {
  seq: number;
  time: Millis;
}

export type OrderEventType =
  "order.accepted" | "order.rejected" | "order.entered" | "order.triggered" | "order.modified" | "order.cancelled" | "order.expired";

export interface OrderEvent extends EventBase {
  type: OrderEventType;
  /** Why: the cause the order's history records for this step. */
  cause: OrderCause;
  order: OrderView;
}
export interface OrderFilledEvent extends EventBase {
  type: "order.filled";
  cause: "filled";
  order: OrderView;
  trade: Trade;
}
export interface TickEvent extends EventBase {
  type: "price.tick";
  symbol: string;
  price: Paise;
  volume: number;
}
export interface FundsChangedEvent extends EventBase {
  type: "funds.changed";
  userId: string;
  cash: Paise;
  blocked: Paise;
}
export interface InstrumentAddedEvent extends EventBase {
  type: "instrument.added";
  instrument: InstrumentSpec;
}
export interface AccountEvent extends EventBase {
  type: "account.opened" | "account.reset";
  userId: string;
  cash: Paise;
}
/** The charge rates changed (see SetChargeRatesCommand). */
export interface ChargeRatesEvent extends EventBase {
  type: "charges.rates";
  rates: ChargeRates | null;
}
export interface SessionEvent extends EventBase {
  type: "session.pre-open" | "session.auction" | "session.opened" | "session.squared-off" | "session.closed";
}
/** Part of a position moved between products (see ConvertPositionCommand). */
export interface PositionConvertedEvent extends EventBase {
  type: "position.converted";
  userId: string;
  symbol: string;
  quantity: number;
  from: Product;
  to: Product;
}

export type EngineEvent =
  | OrderEvent
  | OrderFilledEvent
  | TickEvent
  | FundsChangedEvent
  | InstrumentAddedEvent
  | AccountEvent
  | SessionEvent
  | ChargeRatesEvent
  | PositionConvertedEvent;

// ---------------------------------------------------------------------------------------------
// Results

export interface Accepted {
  ok: true;
  events: EngineEvent[];
  /** The order the command placed, modified or cancelled. */
  order?: OrderView | undefined;
  /** True when a placement repeated an earlier clientOrderId and the original order came back. */
  duplicate?: boolean | undefined;
}

export interface Refused {
  ok: false;
  code: ReasonCode;
  message: string;
  /** Empty for validation errors; a REJECTED order's event for risk rejections. */
  events: EngineEvent[];
  /** Present when the refusal left a REJECTED order behind. */
  order?: OrderView | undefined;
}

export type CommandResult = Accepted | Refused;
