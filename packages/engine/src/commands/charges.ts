// The charge rates: set by configuration, as a command, so a replay charges every trade as the
// day did (see charges/rates.ts for the table, charges/charges.ts for how a day is charged).
import { PRODUCTS, type ChargeRates } from "../charges/rates.js";
import { cloneJson } from "../json.js";
import type { Store } from "../store.js";
import { isOpen } from "../transitions.js";
import type { CommandResult, SetChargeRatesCommand } from "../types.js";
import { refuse } from "./common.js";

export function setChargeRates(store: Store, command: SetChargeRatesCommand): CommandResult {
  const problem = command.rates === null ? undefined : rateProblem(command.rates);
  if (problem !== undefined) return refuse("INVALID_COMMAND", `charge rates: ${problem}`);
  // Open BUY orders block cash for their charges at the rates they were placed at.
  for (const order of store.orders.values()) {
    if (isOpen(order.state)) return refuse("INVALID_COMMAND", "charge rates change only while no order is open");
  }
  store.chargeRates = command.rates === null ? null : cloneJson(command.rates);
  // An event, so the change is journaled and replayed with the trades it charges.
  store.emit({ seq: store.nextSeq(), time: command.time, type: "charges.rates", rates: cloneJson(command.rates) });
  return { ok: true, events: store.takeEvents(command.time) };
}

const isAmount = (value: unknown): boolean => typeof value === "number" && Number.isSafeInteger(value) && value >= 0 && value <= 1e9;

/** What is wrong with a rate table, if anything: every rate a whole, non-negative number. */
function rateProblem(rates: ChargeRates): string | undefined {
  if (typeof rates !== "object" || rates === null) return "missing";
  const numbers: Array<[string, unknown]> = [
    ["exchange.NSE", rates.exchange?.NSE],
    ["exchange.BSE", rates.exchange?.BSE],
    ["ipft.NSE", rates.ipft?.NSE],
    ["ipft.BSE", rates.ipft?.BSE],
    ["sebi", rates.sebi],
    ["gstPercent", rates.gstPercent],
    ["dpPerScrip", rates.dpPerScrip],
    ["squareOffFee", rates.squareOffFee],
  ];
  for (const product of PRODUCTS) {
    numbers.push([`brokerage.${product}.perCrore`, rates.brokerage?.[product]?.perCrore]);
    const cap = rates.brokerage?.[product]?.capPerOrder;
    if (cap !== null) numbers.push([`brokerage.${product}.capPerOrder`, cap]);
    numbers.push([`stt.${product}.buy`, rates.stt?.[product]?.buy], [`stt.${product}.sell`, rates.stt?.[product]?.sell]);
    numbers.push([`stampDuty.${product}`, rates.stampDuty?.[product]]);
  }
  const bad = numbers.find(([, value]) => !isAmount(value));
  if (bad !== undefined) return `${bad[0]} must be a whole number, zero or more`;
  if (typeof rates.effective !== "string" || Number.isNaN(Date.parse(rates.effective))) return "effective must be a date";
  return undefined;
}
