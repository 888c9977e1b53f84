// A contract note: one account's trades of one day, each with the charges it added, the day's
// charges per component and the net amount payable or receivable (see charges.ts for the rules).
// Each trade's charges are what it added to the day's totals, so they sum to the day's charges.
import type { Paise } from "../money.js";
import { addFill, CHARGE_COMPONENTS, dayCharges, emptyDay, type ChargeBreakdown, type ChargedFill } from "./charges.js";
import type { ChargeRates } from "./rates.js";

export interface ContractLine<T extends ChargedFill> {
  fill: T;
  charges: ChargeBreakdown;
}

export interface ContractNote<T extends ChargedFill> {
  lines: Array<ContractLine<T>>;
  totals: ChargeBreakdown;
  buyValue: Paise;
  sellValue: Paise;
  /** Sells less buys less charges: positive is receivable by the client, negative payable. */
  net: Paise;
}

function difference(after: ChargeBreakdown, before: ChargeBreakdown): ChargeBreakdown {
  const result = { ...after };
  for (const [key] of CHARGE_COMPONENTS) result[key] = after[key] - before[key];
  return result;
}

/** The note of a day's fills, in the order they happened. */
export function contractNote<T extends ChargedFill>(fills: readonly T[], rates: ChargeRates): ContractNote<T> {
  const day = emptyDay();
  let before = dayCharges(day, rates);
  const lines: Array<ContractLine<T>> = [];
  let buyValue = 0;
  let sellValue = 0;
  for (const fill of fills) {
    addFill(day, fill, rates);
    const after = dayCharges(day, rates);
    lines.push({ fill, charges: difference(after, before) });
    before = after;
    if (fill.side === "BUY") buyValue += fill.value;
    else sellValue += fill.value;
  }
  return { lines, totals: before, buyValue, sellValue, net: sellValue - buyValue - before.total };
}
