// Instruments: listing one for trading.
import { SYMBOL_PATTERN } from "../limits.js";
import { PRICE_BANDS } from "../price-rules.js";
import { InstrumentRecord } from "../records.js";
import type { Store } from "../store.js";
import { EXCHANGES, INSTRUMENT_TYPES, type AddInstrumentCommand, type CommandResult } from "../types.js";
import { refuse } from "./common.js";
import { MAX_INTRADAY_LEVERAGE } from "../intraday.js";

export function addInstrument(store: Store, command: AddInstrumentCommand): CommandResult {
  const spec = command.instrument;
  if (typeof spec !== "object" || spec === null) return refuse("INVALID_COMMAND", "instrument is missing");
  if (typeof spec.symbol !== "string" || !SYMBOL_PATTERN.test(spec.symbol)) {
    return refuse("INVALID_COMMAND", "symbol must be 1 to 20 upper-case letters, digits, &, _ or -");
  }
  if (store.instruments.has(spec.symbol)) return refuse("INSTRUMENT_EXISTS", `instrument ${spec.symbol} already exists`);
  if (typeof spec.name !== "string" || spec.name.length === 0 || spec.name.length > 100) {
    return refuse("INVALID_COMMAND", "name must be 1 to 100 characters");
  }
  if (!(EXCHANGES as readonly string[]).includes(spec.exchange)) return refuse("INVALID_COMMAND", "exchange must be NSE or BSE");
  if (!(INSTRUMENT_TYPES as readonly string[]).includes(spec.instrumentType)) {
    return refuse("INVALID_COMMAND", "instrumentType must be EQ");
  }
  if (!Number.isSafeInteger(spec.tickSize) || spec.tickSize <= 0) {
    return refuse("INVALID_COMMAND", "tickSize must be a positive amount in paise");
  }
  if (!Number.isSafeInteger(spec.lotSize) || spec.lotSize <= 0) return refuse("INVALID_COMMAND", "lotSize must be a positive whole number");
  if (!Number.isSafeInteger(spec.price) || spec.price <= 0 || spec.price % spec.tickSize !== 0) {
    return refuse("INVALID_PRICE", "price must be a positive amount in paise on the tick size");
  }
  if (spec.tickSizeRule !== undefined && spec.tickSizeRule !== "nse")
    return refuse("INVALID_COMMAND", 'tickSizeRule must be "nse" or absent');
  if (spec.band !== undefined && !(PRICE_BANDS as readonly unknown[]).includes(spec.band)) {
    return refuse("INVALID_COMMAND", 'band must be 2, 5, 10, 20 or "dynamic"');
  }
  const leverage = spec.intradayLeverage;
  if (leverage !== undefined && !(Number.isSafeInteger(leverage) && leverage >= 1 && leverage <= MAX_INTRADAY_LEVERAGE)) {
    return refuse("INVALID_COMMAND", `intradayLeverage must be a whole number from 1 to ${MAX_INTRADAY_LEVERAGE}`);
  }
  const frozen = { ...spec };
  // A new market's first trading day begins with its first listing (it starts open).
  if (store.dayBeganAt === 0) store.dayBeganAt = command.time;
  store.instruments.set(spec.symbol, new InstrumentRecord(frozen, store.instruments.size));
  store.emit({ seq: store.nextSeq(), time: command.time, type: "instrument.added", instrument: { ...frozen } });
  return { ok: true, events: store.takeEvents(command.time) };
}
