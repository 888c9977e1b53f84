// The order state machine. The commands move orders only through `LEGAL_TRANSITIONS`; any other
// move is a bug in the engine and throws.
import { ORDER_STATES, orderStateIndex, type OrderState } from "./types.js";

/** States a new order can start in. */
export const INITIAL_STATES: readonly OrderState[] = ["PLACED", "TRIGGER_PENDING", "REJECTED"];

/**
 * From each state, the states it may move to. A state listed under itself is a modification that
 * keeps the state (new price, quantity or trigger).
 */
export const LEGAL_TRANSITIONS: Readonly<Record<OrderState, readonly OrderState[]>> = {
  // REJECTED after placing: a waiting order that fails its checks as it enters the market.
  PLACED: ["PLACED", "PARTIALLY_EXECUTED", "EXECUTED", "CANCELLED", "REJECTED", "EXPIRED"],
  TRIGGER_PENDING: ["TRIGGER_PENDING", "PLACED", "EXECUTED", "CANCELLED", "REJECTED", "EXPIRED"],
  PARTIALLY_EXECUTED: ["PARTIALLY_EXECUTED", "EXECUTED", "CANCELLED", "REJECTED", "EXPIRED"],
  EXECUTED: [],
  CANCELLED: [],
  REJECTED: [],
  EXPIRED: [],
};

/** The states with no way out, as bits (bit `orderStateIndex(state)`): asked on every change of an order. */
const TERMINAL_BITS: number = ORDER_STATES.reduce(
  (bits, state) => (LEGAL_TRANSITIONS[state].length === 0 ? bits | (1 << orderStateIndex(state)) : bits),
  0,
);

/** A terminal state is one an order never leaves. */
export function isTerminal(state: OrderState): boolean {
  return (TERMINAL_BITS & (1 << orderStateIndex(state))) !== 0;
}

export function isOpen(state: OrderState): boolean {
  return !isTerminal(state);
}

/** The states of an order that can still fill: PLACED, TRIGGER_PENDING, PARTIALLY_EXECUTED. */
export const OPEN_STATES: readonly OrderState[] = ORDER_STATES.filter(isOpen);

/** The table as bits: bit `orderStateIndex(to)` of entry `orderStateIndex(from)`. */
const LEGAL_BITS: readonly number[] = ORDER_STATES.map((from) =>
  LEGAL_TRANSITIONS[from].reduce((bits, to) => bits | (1 << orderStateIndex(to)), 0),
);

export function isLegalTransition(from: OrderState, to: OrderState): boolean {
  return ((LEGAL_BITS[orderStateIndex(from)] as number) & (1 << orderStateIndex(to))) !== 0;
}

export class IllegalTransitionError extends Error {
  constructor(orderId: string, from: OrderState, to: OrderState) {
    super(`order ${orderId}: illegal transition ${from} -> ${to}`);
    this.name = "IllegalTransitionError";
  }
}
