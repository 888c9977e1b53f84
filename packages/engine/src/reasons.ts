// Every way a command can be refused, grouped by subsystem. The API maps these codes to tRPC
// codes and HTTP statuses in one place; messages are written per case by the engine.

export const VALIDATION_REASONS = [
  "UNKNOWN_INSTRUMENT",
  "INVALID_QUANTITY",
  "QUANTITY_NOT_MULTIPLE_OF_LOT",
  "INVALID_PRICE",
  "PRICE_NOT_ON_TICK",
  "INVALID_TRIGGER_PRICE",
  "INVALID_ORDER",
  "INVALID_COMMAND",
] as const;

/** The broker's checks of funds and holdings. */
export const RISK_REASONS = ["INSUFFICIENT_FUNDS", "INSUFFICIENT_HOLDINGS"] as const;

/** The market itself: its session, its instruments. */
export const MARKET_REASONS = ["MARKET_CLOSED", "INSTRUMENT_EXISTS", "PRICE_OUTSIDE_BAND", "INTRADAY_CLOSED"] as const;

export const ORDER_REASONS = [
  "ORDER_NOT_FOUND",
  "ORDER_NOT_OPEN",
  "NOTHING_TO_MODIFY",
  "MODIFY_NOT_ALLOWED",
  "DUPLICATE_ORDER_ID",
  "IDEMPOTENCY_CONFLICT",
] as const;

export const ACCOUNT_REASONS = ["UNKNOWN_ACCOUNT", "ACCOUNT_EXISTS"] as const;

export type ValidationReason = (typeof VALIDATION_REASONS)[number];
export type RiskReason = (typeof RISK_REASONS)[number];
export type MarketReason = (typeof MARKET_REASONS)[number];
export type OrderReason = (typeof ORDER_REASONS)[number];
export type AccountReason = (typeof ACCOUNT_REASONS)[number];

export type ReasonCode = ValidationReason | RiskReason | MarketReason | OrderReason | AccountReason;

export const REASON_CODES: readonly ReasonCode[] = [
  ...VALIDATION_REASONS,
  ...RISK_REASONS,
  ...MARKET_REASONS,
  ...ORDER_REASONS,
  ...ACCOUNT_REASONS,
];
