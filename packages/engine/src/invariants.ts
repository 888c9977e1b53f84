// Checks that must hold after every command. Tests run them after each step; a server can run
// them after restoring from disk. Returns what is wrong, empty when all is well.
import type { Engine } from "./engine.js";
import { marginFor } from "./intraday.js";
import type { AccountRecord } from "./records.js";
import type { Store } from "./store.js";
import { isOpen, LEGAL_TRANSITIONS, INITIAL_STATES } from "./transitions.js";

export function checkInvariants(engine: Engine): string[] {
  const store = engine.internals;
  const problems: string[] = [];
  const blockedByUser = new Map<string, number>();
  const reservedByHolding = new Map<string, number>();
  let resting = 0;
  let waiting = 0;

  for (const order of store.orders.values()) {
    const id = order.orderId;
    const tradeSum = order.trades.reduce((sum, t) => sum + t.quantity, 0);
    if (tradeSum !== order.filledQuantity) problems.push(`${id}: filled ${order.filledQuantity} but trades sum to ${tradeSum}`);
    if (order.filledQuantity > order.quantity) problems.push(`${id}: filled more than its quantity`);
    const history = order.history;
    const first = history[0];
    if (first === undefined || !INITIAL_STATES.includes(first.state)) problems.push(`${id}: starts in an illegal state`);
    for (let i = 1; i < history.length; i++) {
      const from = (history[i - 1] as { state: typeof order.state }).state;
      const to = (history[i] as { state: typeof order.state }).state;
      if (!LEGAL_TRANSITIONS[from].includes(to)) problems.push(`${id}: illegal transition ${from} -> ${to}`);
    }
    if (history[history.length - 1]?.state !== order.state) problems.push(`${id}: history does not end in its state`);
    if (order.state === "EXECUTED" && order.filledQuantity !== order.quantity) problems.push(`${id}: EXECUTED but not fully filled`);
    if (order.state === "PARTIALLY_EXECUTED" && (order.filledQuantity === 0 || order.filledQuantity >= order.quantity)) {
      problems.push(`${id}: PARTIALLY_EXECUTED with filled ${order.filledQuantity} of ${order.quantity}`);
    }
    const waits = store.waiting.has(order);
    if (waits !== (order.waitingFor !== null))
      problems.push(`${id}: waiting for ${order.waitingFor} but ${waits ? "" : "not "}in the waiting list`);
    if (isOpen(order.state)) {
      if (waits && order.ladderLevel !== null) problems.push(`${id}: waiting and in a book`);
      else if (waits) waiting += 1;
      else if (order.ladderLevel === null) problems.push(`${id}: open but neither in a book nor waiting`);
      else resting += 1;
      const needed = store.reserveNeeded(order);
      if (order.reserved !== needed) problems.push(`${id}: reserves ${order.reserved}, needs ${needed}`);
    } else {
      if (order.ladderLevel !== null) problems.push(`${id}: closed but still in a book`);
      if (waits) problems.push(`${id}: closed but still waiting`);
      if (order.reserved !== 0) problems.push(`${id}: closed but still reserves ${order.reserved}`);
    }
    const inPosition = order.account.positions.get(order.symbol)?.openOrders.has(order) === true;
    if (inPosition !== (order.product === "MIS" && isOpen(order.state))) {
      problems.push(`${id}: ${inPosition ? "" : "not "}among its intraday position's open orders`);
    }
    if (order.product === "MIS" || order.side === "BUY")
      blockedByUser.set(order.userId, (blockedByUser.get(order.userId) ?? 0) + order.reserved);
    else {
      const key = `${order.userId}/${order.symbol}`;
      reservedByHolding.set(key, (reservedByHolding.get(key) ?? 0) + order.reserved);
    }
  }

  if (resting !== engine.restingOrderCount()) problems.push(`books hold ${engine.restingOrderCount()} orders, ${resting} are open`);
  if (waiting !== store.waiting.size) problems.push(`${store.waiting.size} orders wait, ${waiting} open orders are waiting`);

  for (const account of store.accounts.values()) {
    // Intraday losses can take cash below what is blocked, or below zero (a debit balance).
    const intraday = account.positions.size > 0;
    if (account.cash < 0 && !intraday) problems.push(`${account.userId}: negative cash ${account.cash}`);
    if (account.blocked < 0) problems.push(`${account.userId}: negative blocked cash`);
    if (account.blocked > account.cash && !intraday)
      problems.push(`${account.userId}: blocked ${account.blocked} exceeds cash ${account.cash}`);
    problems.push(...positionProblems(store, account));
    const expected = blockedByUser.get(account.userId) ?? 0;
    if (account.blocked !== expected) problems.push(`${account.userId}: blocked ${account.blocked}, open BUY orders reserve ${expected}`);
    if (!Number.isSafeInteger(account.cash)) problems.push(`${account.userId}: cash is not whole paise`);
  }
  for (const { userId, holdings } of store.accounts.values()) {
    for (const h of holdings.values()) {
      if (h.quantity < 0) problems.push(`${userId}/${h.symbol}: negative holding`);
      if (h.reserved < 0 || h.reserved > h.quantity) problems.push(`${userId}/${h.symbol}: reserved ${h.reserved} of ${h.quantity}`);
      if (h.costBasis < 0 || (h.quantity === 0 && h.costBasis !== 0)) problems.push(`${userId}/${h.symbol}: cost basis ${h.costBasis}`);
      const expected = reservedByHolding.get(`${userId}/${h.symbol}`) ?? 0;
      if (h.reserved !== expected) problems.push(`${userId}/${h.symbol}: reserved ${h.reserved}, open SELL orders reserve ${expected}`);
    }
  }
  return problems;
}

/** An account's intraday positions: margin from cost, totals in step, nothing open after the square-off. */
function positionProblems(store: Store, account: AccountRecord): string[] {
  const problems: string[] = [];
  let margin = 0;
  for (const p of account.positions.values()) {
    const where = `${account.userId}/${p.symbol} (MIS)`;
    const instrument = store.instruments.get(p.symbol);
    if (instrument === undefined) problems.push(`${where}: unknown instrument`);
    else if (p.margin !== marginFor(p.costBasis, instrument)) problems.push(`${where}: margin ${p.margin} for a cost of ${p.costBasis}`);
    if (p.costBasis < 0 || (p.quantity === 0 && p.costBasis !== 0)) problems.push(`${where}: cost basis ${p.costBasis} for ${p.quantity}`);
    if (store.intradayClosed && p.quantity !== 0) problems.push(`${where}: ${p.quantity} still open after the square-off`);
    for (const order of p.openOrders) {
      if (!isOpen(order.state) || order.product !== "MIS" || order.symbol !== p.symbol || order.account !== account) {
        problems.push(`${where}: lists order ${order.orderId}, which is not one of its open intraday orders`);
      }
      if (store.intradayClosed && store.phase !== "closed") problems.push(`${where}: order ${order.orderId} open after the square-off`);
    }
    margin += p.margin;
  }
  if (margin !== account.marginUsed) problems.push(`${account.userId}: margin used ${account.marginUsed}, positions hold ${margin}`);
  return problems;
}
