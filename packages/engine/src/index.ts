// The public surface of @trading/engine: exactly what the API, web app and CLI may use. Records,
// books and the store stay inside; commands go in through `Engine.apply`, state comes out as views.
export { Engine, type OrderFilter } from "./engine.js";
export { checkInvariants } from "./invariants.js";
export { repeatPlacement } from "./commands/orders.js";
export { isAfterMarket, waitingForOf } from "./commands/waiting.js";
export { bandLimits, PRICE_BANDS, tickSizeFor, type BandLimits, type PriceBand } from "./price-rules.js";
export {
  CALENDARS,
  istDate,
  istMinuteOfDay,
  isNseTradingDay,
  isSquareOffDue,
  marketStatus,
  nextSessionStep,
  nseHoliday,
  NSE_SESSION,
  type CalendarName,
  type SessionStep,
  type MarketStatus,
} from "./calendar/calendar.js";
export { backfillCandles, type BackfillInstrument, type BackfillOptions, type MinuteCandle } from "./feed/backfill.js";
export { sessionMinutes, tradingDaysBefore } from "./calendar/trading-days.js";
export { DEFAULT_CHARGE_RATES, NO_CHARGE_RATES, PRODUCTS, type ChargeRates, type PerCrore, type Product } from "./charges/rates.js";
export { contractNote, type ContractLine, type ContractNote } from "./charges/contract-note.js";
export { DEFAULT_INTRADAY_LEVERAGE, MAX_INTRADAY_LEVERAGE, marginFor } from "./intraday.js";
export type { BasketMargin, OrderMargin } from "./margin-preview.js";
export {
  addFill,
  CHARGE_COMPONENTS,
  dayCharges,
  emptyDay,
  orderCharges,
  type ChargeBreakdown,
  type ChargedFill,
  type DayTurnover,
} from "./charges/charges.js";
export { CANDLE_CSV_HEADER, parseCandleCsv, type CandleCsvResult } from "./feed/candle-csv.js";
export { SNAPSHOT_VERSION, type EngineSnapshot, type OrderSnapshot, type InstrumentSnapshot } from "./snapshot.js";
export {
  INITIAL_STATES,
  LEGAL_TRANSITIONS,
  OPEN_STATES,
  isLegalTransition,
  isOpen,
  isTerminal,
  IllegalTransitionError,
} from "./transitions.js";
export {
  ACCOUNT_REASONS,
  MARKET_REASONS,
  ORDER_REASONS,
  REASON_CODES,
  RISK_REASONS,
  VALIDATION_REASONS,
  type ReasonCode,
} from "./reasons.js";
export { PAISE_PER_RUPEE, divRound, formatRupees, mulDivRound, nearestTicks, paiseToRupees, rupeesToPaise, type Paise } from "./money.js";
export { DEFAULT_PAGE_SIZE, MAX_ID_LENGTH, MAX_ORDER_QUANTITY, MAX_PAGE_SIZE, SYMBOL_PATTERN } from "./limits.js";
export type { IdSpace } from "./store.js";
export {
  type Accepted,
  type AccountEvent,
  type AddInstrumentCommand,
  type CancelOrderCommand,
  type ChargeRatesEvent,
  type CloseSessionCommand,
  type Command,
  type CommandResult,
  type EngineEvent,
  type Exchange,
  EXCHANGES,
  type ForgetClientOrderIdsCommand,
  type Funds,
  type FundsChangedEvent,
  type HoldingView,
  INSTRUMENT_TYPES,
  type InstrumentAddedEvent,
  type InstrumentSpec,
  type InstrumentType,
  type InstrumentView,
  type LimitOrderInput,
  MARKET_PHASES,
  type MarketOrderInput,
  type MarketPhase,
  type Millis,
  type ModifyOrderCommand,
  type OpenAccountCommand,
  type OpenSessionCommand,
  type OpeningAuctionCommand,
  type OpeningPrice,
  ORDER_CAUSE_TEXT,
  ORDER_CAUSES,
  ORDER_STATES,
  ORDER_TYPES,
  type OrderCause,
  type OrderDetail,
  type OrderEvent,
  type OrderEventType,
  type OrderFilledEvent,
  type OrderInput,
  type OrderState,
  type OrderType,
  type OrderView,
  type PlaceOrderCommand,
  type ConvertPositionCommand,
  type PositionConvertedEvent,
  type PositionView,
  type SquareOffCommand,
  type Quote,
  type Refused,
  type ResetAccountCommand,
  type SessionEvent,
  type Side,
  SIDES,
  type SetChargeRatesCommand,
  type StartPreOpenCommand,
  type StateChange,
  type StopLimitOrderInput,
  type StopMarketOrderInput,
  type TickCommand,
  type TickEvent,
  type Trade,
  VALIDITIES,
  type Validity,
  WAITING_FOR,
  type WaitingFor,
} from "./types.js";
export {
  candleIntervalSchema,
  type ConvertPositionRequest,
  convertPositionRequestSchema,
  type ModifyOrderRequest,
  modifyOrderRequestSchema,
  type OrderRequest,
  type OrderRequestInput,
  orderRequestSchema,
  quantitySchema,
  validitySchema,
  productSchema,
  orderTypeSchema,
  sideSchema,
  rupeePriceSchema,
  symbolSchema,
  toEngineModification,
  toEngineOrder,
} from "./schemas.js";
export { percent } from "./portfolio.js";
export {
  CANDLE_INTERVALS,
  CandleBuilder,
  IST_OFFSET_MS,
  MARKET_TIME_ZONE,
  ONE_MINUTE,
  aggregateCandles,
  bucketStart,
  intervalStart,
  type Candle,
  type CandleInterval,
} from "./candles.js";
export { GbmFeed, TRADING_SECONDS_PER_YEAR, roundToTick, type GbmFeedOptions, type GbmFeedState, type GbmInstrument } from "./feed/gbm.js";
export { SeededRandom, type RandomState } from "./feed/random.js";
export { parseTickCsv, type CsvParseResult, type CsvRowError } from "./feed/csv.js";
export { DEFAULT_STARTING_CASH, SEED_INSTRUMENTS, type SeedInstrument } from "./seed.js";
