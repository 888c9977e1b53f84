// What every command family shares: the refusal it answers with and the checks of its envelope.
import { MAX_ID_LENGTH } from "../limits.js";
import { formatRupees, type Paise } from "../money.js";
import type { ReasonCode } from "../reasons.js";
import type { Store } from "../store.js";
import type { CommandResult, Refused } from "../types.js";

export function refuse(code: ReasonCode, message: string): Refused {
  return { ok: false, code, message, events: [] };
}

/** An amount as messages show it: `₹2,500.00`. */
export const rupees = (paise: Paise): string => `₹${formatRupees(paise)}`;

/** Command times are whole milliseconds since the epoch. */
export function isCommandTime(time: unknown): boolean {
  return Number.isSafeInteger(time) && (time as number) >= 0;
}

export function badTime(): Refused {
  return refuse("INVALID_COMMAND", "command time must be whole milliseconds since the epoch");
}

export function isValidId(id: unknown): id is string {
  return typeof id === "string" && id.length > 0 && id.length <= MAX_ID_LENGTH;
}

/** Cash an account may be given: zero to ₹10 lakh crore, in whole paise. */
export function isCashAmount(value: unknown): value is Paise {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 && value <= 1e15;
}

/** A feed position (see `TickCommand.feedSeq`): absent, or a whole number above zero. */
export function isFeedSeq(value: unknown): boolean {
  return value === undefined || (Number.isSafeInteger(value) && (value as number) > 0);
}

export function badFeedSeq(): Refused {
  return refuse("INVALID_COMMAND", "feedSeq must be a whole number greater than zero");
}

/** Applies a market command that may come from a cluster's feed, keeping its feed position once applied. */
export function applyFromFeed(store: Store, feedSeq: number | undefined, apply: () => CommandResult): CommandResult {
  if (!isFeedSeq(feedSeq)) return badFeedSeq();
  const result = apply();
  if (result.ok && feedSeq !== undefined) store.lastFeedSeq = feedSeq;
  return result;
}
