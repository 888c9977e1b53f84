// A small market for tests: a few instruments, funded accounts, and helpers that stamp commands
// with increasing times and fresh order ids.
import { Engine } from "../engine.js";
import type { Command, CommandResult, InstrumentSpec, OrderInput } from "../types.js";

export const RELIANCE: InstrumentSpec = {
  symbol: "RELIANCE",
  name: "Reliance Industries Ltd",
  exchange: "NSE",
  instrumentType: "EQ",
  tickSize: 5,
  lotSize: 1,
  price: 250_000,
};
export const INFY: InstrumentSpec = { ...RELIANCE, symbol: "INFY", name: "Infosys Ltd", price: 150_000 };
/** A lot-traded instrument, to exercise lot-size rules. */
export const LOTS: InstrumentSpec = { ...RELIANCE, symbol: "LOTS", name: "Lot Traded Ltd", price: 10_000, lotSize: 10 };

/** A value as it comes back from being stored as JSON (a snapshot written to disk and read again). */
export function throughJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export class TestMarket {
  readonly engine = new Engine();
  /** Every command applied through this market, in order, for replay tests. */
  readonly log: Command[] = [];
  time = 1_700_000_000_000;
  private nextOrder = 1;

  constructor(users: Record<string, number> = { alice: 10_00_000_00, bob: 10_00_000_00 }) {
    for (const instrument of [RELIANCE, INFY, LOTS]) this.ok(this.apply({ kind: "addInstrument", time: this.now(), instrument }));
    for (const [userId, cash] of Object.entries(users)) this.ok(this.apply({ kind: "openAccount", time: this.now(), userId, cash }));
  }

  apply(command: Command): CommandResult {
    this.log.push(throughJson(command));
    return this.engine.apply(command);
  }

  now(): number {
    this.time += 1000;
    return this.time;
  }

  place(userId: string, order: Partial<OrderInput> & Pick<OrderInput, "side" | "quantity">, orderId?: string): CommandResult {
    const input = { symbol: "RELIANCE", type: "MARKET", validity: "DAY", ...order } as OrderInput;
    return this.apply({ kind: "placeOrder", time: this.now(), userId, orderId: orderId ?? `O${this.nextOrder++}`, order: input });
  }

  /** Places an order that must be accepted and returns its id. */
  placeOk(userId: string, order: Partial<OrderInput> & Pick<OrderInput, "side" | "quantity">): string {
    const result = this.ok(this.place(userId, order));
    if (result.order === undefined) throw new Error("accepted placement returned no order");
    return result.order.orderId;
  }

  tick(price: number, volume = 1_000_000, symbol = "RELIANCE"): CommandResult {
    return this.ok(this.apply({ kind: "tick", time: this.now(), symbol, price, volume }));
  }

  modify(userId: string, orderId: string, change: { quantity?: number; price?: number; triggerPrice?: number }): CommandResult {
    return this.apply({ kind: "modifyOrder", time: this.now(), userId, orderId, ...change });
  }

  cancel(userId: string, orderId: string): CommandResult {
    return this.apply({ kind: "cancelOrder", time: this.now(), userId, orderId });
  }

  ok(result: CommandResult): CommandResult {
    if (!result.ok) throw new Error(`expected success, got ${result.code}: ${result.message}`);
    return result;
  }

  funds(userId: string) {
    const funds = this.engine.funds(userId);
    if (funds === undefined) throw new Error(`no account ${userId}`);
    return funds;
  }

  holding(userId: string, symbol = "RELIANCE") {
    return this.engine.holdings(userId).find((h) => h.symbol === symbol);
  }

  order(userId: string, orderId: string) {
    const order = this.engine.order(userId, orderId);
    if (order === undefined) throw new Error(`no order ${orderId}`);
    return order;
  }
}
