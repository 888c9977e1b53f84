// What every command family shares: the refusal it answers with and the checks of its envelope.
import { MAX_ID_LENGTH } from "../limits.js";
import { formatRupees, type Paise } from "../money.js";
import type { ReasonCode } from "../reasons.js";
import type { Refused } from "../types.js";

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
