// One place that turns engine reason codes into tRPC errors (and so HTTP statuses).
import { TRPCError } from "@trpc/server";
import { InvalidCursorError } from "./storage/storage.js";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server";
import type { ReasonCode } from "@trading/engine";

const CODE_FOR_REASON: Record<ReasonCode, TRPC_ERROR_CODE_KEY> = {
  UNKNOWN_INSTRUMENT: "NOT_FOUND",
  INVALID_QUANTITY: "BAD_REQUEST",
  QUANTITY_NOT_MULTIPLE_OF_LOT: "BAD_REQUEST",
  INVALID_PRICE: "BAD_REQUEST",
  PRICE_NOT_ON_TICK: "BAD_REQUEST",
  INVALID_TRIGGER_PRICE: "BAD_REQUEST",
  INVALID_ORDER: "BAD_REQUEST",
  INVALID_COMMAND: "BAD_REQUEST",
  INSUFFICIENT_FUNDS: "UNPROCESSABLE_CONTENT",
  INSUFFICIENT_HOLDINGS: "UNPROCESSABLE_CONTENT",
  MARKET_CLOSED: "PRECONDITION_FAILED",
  ORDER_NOT_FOUND: "NOT_FOUND",
  ORDER_NOT_OPEN: "CONFLICT",
  NOTHING_TO_MODIFY: "BAD_REQUEST",
  MODIFY_NOT_ALLOWED: "BAD_REQUEST",
  DUPLICATE_ORDER_ID: "CONFLICT",
  IDEMPOTENCY_CONFLICT: "CONFLICT",
  UNKNOWN_ACCOUNT: "NOT_FOUND",
  ACCOUNT_EXISTS: "CONFLICT",
  INSTRUMENT_EXISTS: "CONFLICT",
  PRICE_OUTSIDE_BAND: "BAD_REQUEST",
  INTRADAY_CLOSED: "PRECONDITION_FAILED",
};

export function trpcCodeFor(reason: ReasonCode): TRPC_ERROR_CODE_KEY {
  return CODE_FOR_REASON[reason];
}

/** A refusal from the engine, carrying its reason code (and the rejected order's id, if any). */
export class DomainError extends TRPCError {
  constructor(
    readonly reason: ReasonCode,
    message: string,
    readonly orderId: string | null = null,
  ) {
    super({ code: trpcCodeFor(reason), message });
    // The name stays "TRPCError": adapters (the REST mirror among them) recognise errors by it.
  }
}

/** Raised when the server itself fails (journal write, shutdown): safe to show, no internals. */
export function unavailable(message: string): TRPCError {
  return new TRPCError({ code: "SERVICE_UNAVAILABLE", message });
}

/** A cursor the server did not issue is the caller's mistake. */
export function cursorError(error: unknown): never {
  if (error instanceof InvalidCursorError) throw new TRPCError({ code: "BAD_REQUEST", message: error.message });
  throw error;
}
