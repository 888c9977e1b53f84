// Accounts: opening one with its starting cash, and resetting it to start again.
import { closeOrder } from "../execution.js";
import { MAX_ID_LENGTH } from "../limits.js";
import { AccountRecord } from "../records.js";
import type { Store } from "../store.js";
import { isOpen } from "../transitions.js";
import type { CommandResult, OpenAccountCommand, ResetAccountCommand } from "../types.js";
import { isCashAmount, isValidId, refuse } from "./common.js";

export function openAccount(store: Store, command: OpenAccountCommand): CommandResult {
  if (!isValidId(command.userId)) return refuse("INVALID_COMMAND", `userId must be 1 to ${MAX_ID_LENGTH} characters`);
  if (!isCashAmount(command.cash)) return refuse("INVALID_COMMAND", "cash must be zero or a positive amount in paise");
  if (store.accounts.has(command.userId)) return refuse("ACCOUNT_EXISTS", `account ${command.userId} already exists`);
  const account = new AccountRecord(command.userId, command.cash, command.cash);
  store.accounts.set(command.userId, account);
  store.emit({ seq: store.nextSeq(), time: command.time, type: "account.opened", userId: command.userId, cash: command.cash });
  store.touchFunds(account);
  return { ok: true, events: store.takeEvents(command.time) };
}

/** Cancels every open order, empties the holdings and sets the cash: a fresh start. */
export function resetAccount(store: Store, command: ResetAccountCommand): CommandResult {
  const account = store.account(command.userId);
  if (account === undefined) return refuse("UNKNOWN_ACCOUNT", `no account for user ${String(command.userId)}`);
  if (!isCashAmount(command.cash)) return refuse("INVALID_COMMAND", "cash must be zero or a positive amount in paise");
  for (const order of account.orders.values()) {
    if (isOpen(order.state)) closeOrder(store, order, "CANCELLED", command.time, "account-reset", "order.cancelled");
  }
  account.clearHoldings();
  account.cash = command.cash;
  account.deposited = command.cash;
  account.chargeDay = null;
  account.chargesToday = 0;
  account.chargesPaid = 0;
  store.emit({ seq: store.nextSeq(), time: command.time, type: "account.reset", userId: command.userId, cash: command.cash });
  store.touchFunds(account);
  return { ok: true, events: store.takeEvents(command.time) };
}
