// The public surface of @trading/engine: exactly what the API, web app and CLI may use.
export { Engine, SYMBOL_PATTERN, type OrderFilter } from "./engine.js";
export { checkInvariants } from "./invariants.js";
export { repeatPlacement } from "./executor.js";
export { SNAPSHOT_VERSION, type EngineSnapshot, type OrderSnapshot, type InstrumentSnapshot } from "./snapshot.js";
export { INITIAL_STATES, LEGAL_TRANSITIONS, isLegalTransition, isOpen, isTerminal, IllegalTransitionError } from "./transitions.js";
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
export { DEFAULT_PAGE_SIZE, MAX_ID_LENGTH, MAX_ORDER_QUANTITY, MAX_PAGE_SIZE } from "./limits.js";
export * from "./types.js";
export * from "./schemas.js";
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
