// Orders: placing, modifying and cancelling them (SPEC §2.3-§2.4). Checks come first and change
// nothing; only when every check has passed does the state move.
import type { ChargeRates } from "../charges/rates.js";
import { MAX_ID_LENGTH } from "../limits.js";
import type { Paise } from "../money.js";
import { orderKey } from "../order-index.js";
import { OrderRecord } from "../order-record.js";
import { InstrumentRecord } from "../records.js";
import { checkModification, checkPlacement } from "../risk.js";
import type { Store } from "../store.js";
import { isOpen } from "../transitions.js";
import type {
  CancelOrderCommand,
  CommandResult,
  ForgetClientOrderIdsCommand,
  ModifyOrderCommand,
  OrderInput,
  OrderView,
  PlaceOrderCommand,
  Refused,
} from "../types.js";
import { orderView } from "../views.js";
import { closeOrder } from "../execution.js";
import { badTime, isCommandTime, isValidId, refuse } from "./common.js";
import { checkPrice, checkQuantity, checkStopPrices, validateOrderInput } from "./order-input.js";
import { isAfterMarket, routeAccepted, waitingBlockPrice, waitingForOf } from "./waiting.js";

function sameOrderInput(order: OrderView, input: OrderInput): boolean {
  const fields = input as { price?: Paise; triggerPrice?: Paise };
  return (
    order.symbol === input.symbol &&
    order.side === input.side &&
    order.type === input.type &&
    order.validity === input.validity &&
    order.product === (input.product ?? "CNC") &&
    order.quantity === input.quantity &&
    order.price === (fields.price ?? null) &&
    order.triggerPrice === (fields.triggerPrice ?? null)
  );
}

/**
 * What the same clientOrderId answers the second time: the original order, never a new one (or
 * its rejection again), and a conflict when the parameters differ. A caller that answers retries
 * of forgotten keys from its own history (see StoreOptions) answers them with this too.
 */
export function repeatPlacement(original: OrderView, input: OrderInput): CommandResult {
  if (!sameOrderInput(original, input)) {
    return refuse(
      "IDEMPOTENCY_CONFLICT",
      `clientOrderId ${JSON.stringify(original.clientOrderId)} was already used for order ${original.orderId} with different parameters`,
    );
  }
  if (original.state === "REJECTED" && original.rejectReason !== null) {
    return { ok: false, code: original.rejectReason, message: original.rejectMessage ?? "", events: [], order: original };
  }
  return { ok: true, events: [], order: original, duplicate: true };
}

export function placeOrder(store: Store, cmd: PlaceOrderCommand): CommandResult {
  if (!isCommandTime(cmd.time)) return badTime();
  const { userId, orderId, order: input, time } = cmd;
  if (!isValidId(orderId)) return refuse("INVALID_COMMAND", `orderId must be 1 to ${MAX_ID_LENGTH} characters`);
  const account = store.account(userId);
  if (account === undefined) return refuse("UNKNOWN_ACCOUNT", `no account for user ${String(userId)}`);
  if (typeof input === "object" && input !== null && input.clientOrderId !== undefined) {
    const existing = account.clientOrderIds?.get(input.clientOrderId);
    if (existing !== undefined) return repeatPlacement(orderView(existing), input);
  }
  const key = orderKey(orderId);
  if (store.orders.byKey(key) !== undefined) return refuse("DUPLICATE_ORDER_ID", `order id ${orderId} is already taken`);
  const instrument = validateOrderInput(input, store);
  if (!(instrument instanceof InstrumentRecord)) return instrument;
  const product = input.product ?? "CNC";
  if (product === "MIS" && store.intradayClosed && store.phase !== "closed") {
    return refuse("INTRADAY_CLOSED", "intraday (MIS) orders are closed for today: positions have been squared off; place a CNC order");
  }

  const waitingFor = waitingForOf(store.phase, input);
  const blockPrice = input.type === "MARKET" && waitingFor !== null ? waitingBlockPrice(instrument) : null;
  const riskRefusal = checkPlacement(account, input, instrument, store.chargeRates, blockPrice ?? instrument.lastTradedPrice);
  const isStop = input.type === "SL" || input.type === "SL_M";
  const fields = input as { price?: Paise; triggerPrice?: Paise };
  const order = store
    .orderRecord()
    .init(
      orderId,
      account,
      input.clientOrderId ?? null,
      instrument,
      input.side,
      input.type,
      input.validity,
      input.quantity,
      fields.price ?? null,
      fields.triggerPrice ?? null,
      time,
      riskRefusal ? "REJECTED" : isStop ? "TRIGGER_PENDING" : "PLACED",
      riskRefusal ? "rejected" : "placed",
      key,
    );
  if (isAfterMarket(waitingFor)) order.amo = true;
  if (product === "MIS") order.product = "MIS";

  if (riskRefusal) {
    order.rejectReason = riskRefusal.code;
    order.rejectMessage = riskRefusal.message;
    store.addOrder(order, "order.rejected");
    store.retire(order);
    const view = store.answerView(order);
    return { ...riskRefusal, events: store.takeEvents(time), order: view };
  }

  if (waitingFor !== null) {
    order.blockPrice = blockPrice;
    store.addWaiting(order, waitingFor);
  }
  store.addOrder(order, "order.accepted");
  if (product === "MIS") account.getOrCreatePosition(instrument.spec.symbol).openOrders.add(order);
  routeAccepted(store, order, time);
  const view = store.answerView(order);
  return { ok: true, events: store.takeEvents(time), order: view };
}

/** The caller's open order, or the refusal to give instead. Other users' orders are "not found". */
function ownOpenOrder(store: Store, userId: string, orderId: string): OrderRecord | Refused {
  const order = typeof orderId === "string" ? store.orders.get(orderId) : undefined;
  if (order === undefined || order.userId !== userId) {
    return refuse("ORDER_NOT_FOUND", `no order ${JSON.stringify(orderId)} for this user`);
  }
  if (!isOpen(order.state)) {
    return refuse("ORDER_NOT_OPEN", `order ${orderId} is ${order.state} and can no longer be changed`);
  }
  return order;
}

export function cancelOrder(store: Store, cmd: CancelOrderCommand): CommandResult {
  if (!isCommandTime(cmd.time)) return badTime();
  const found = ownOpenOrder(store, cmd.userId, cmd.orderId);
  if (!(found instanceof OrderRecord)) return found;
  closeOrder(store, found, "CANCELLED", cmd.time, "cancelled", "order.cancelled");
  const view = store.answerView(found);
  return { ok: true, events: store.takeEvents(cmd.time), order: view };
}

export function modifyOrder(store: Store, cmd: ModifyOrderCommand): CommandResult {
  if (!isCommandTime(cmd.time)) return badTime();
  const found = ownOpenOrder(store, cmd.userId, cmd.orderId);
  if (!(found instanceof OrderRecord)) return found;
  const order = found;
  const { time } = cmd;
  const changed = {
    quantity: cmd.quantity ?? order.quantity,
    price: cmd.price ?? order.price,
    triggerPrice: cmd.triggerPrice ?? order.triggerPrice,
  };
  const refusal = checkModifyInput(order, cmd) ?? checkModifiedOrder(order, changed, store.chargeRates);
  if (refusal) return refusal;

  // A new price or trigger, or more shares, sends the order to the back of the queue.
  const losesPriority = changed.price !== order.price || changed.triggerPrice !== order.triggerPrice || changed.quantity > order.quantity;
  if (losesPriority) store.removeFromBook(order);
  if (losesPriority && order.waitingFor !== null) store.addWaiting(order, order.waitingFor);
  order.quantity = changed.quantity;
  order.price = changed.price;
  order.triggerPrice = changed.triggerPrice;
  store.transition(order, order.state, time, "modified");
  store.emitOrder(order, "order.modified", time, "modified");
  routeAccepted(store, order, time);
  const view = store.answerView(order);
  return { ok: true, events: store.takeEvents(time), order: view };
}

/** The fields a modification gives, each on its own: allowed for this order, and well formed. */
function checkModifyInput(order: OrderRecord, cmd: ModifyOrderCommand): Refused | undefined {
  const instrument = order.instrument;
  if (cmd.quantity !== undefined) {
    const error = checkQuantity(cmd.quantity, instrument);
    if (error) return error;
    if (cmd.quantity <= order.filledQuantity) {
      return refuse(
        "INVALID_QUANTITY",
        `quantity must be more than the ${order.filledQuantity} already filled; cancel the order to stop it`,
      );
    }
  }
  if (cmd.price !== undefined) {
    if (order.type !== "LIMIT" && order.type !== "SL") {
      return refuse("MODIFY_NOT_ALLOWED", `a ${order.type} order has no price to change`);
    }
    const error = checkPrice("price", cmd.price, instrument);
    if (error) return error;
  }
  if (cmd.triggerPrice !== undefined) {
    if (order.type !== "SL" && order.type !== "SL_M") {
      return refuse("MODIFY_NOT_ALLOWED", `a ${order.type} order has no trigger price`);
    }
    if (!order.isPendingStop) {
      return refuse("MODIFY_NOT_ALLOWED", "the stop has already triggered; its trigger price can no longer change");
    }
    const error = checkPrice("trigger price", cmd.triggerPrice, instrument);
    if (error) return error;
  }
  return undefined;
}

/** The order as modified, whole: something changes, its stop prices still make sense, and it is funded. */
function checkModifiedOrder(
  order: OrderRecord,
  changed: { quantity: number; price: Paise | null; triggerPrice: Paise | null },
  rates: ChargeRates | null,
): Refused | undefined {
  const { quantity, price, triggerPrice } = changed;
  if (quantity === order.quantity && price === order.price && triggerPrice === order.triggerPrice) {
    return refuse("NOTHING_TO_MODIFY", "the modification changes nothing: give a new quantity, price or trigger price");
  }
  if (order.isPendingStop && triggerPrice !== null) {
    const error = checkStopPrices(order.side, triggerPrice, order.type === "SL" ? price : null, order.instrument);
    if (error) return error;
  }
  const unitPrice = (order.isPendingStop && order.type === "SL_M" ? triggerPrice : price) ?? order.blockPrice ?? 0;
  return checkModification(order, quantity - order.filledQuantity, unitPrice, rates);
}

/** Lets go of closed orders kept only for their clientOrderId, those closed before `closedBefore`. */
export function forgetClientOrderIds(store: Store, cmd: ForgetClientOrderIdsCommand): CommandResult {
  if (!isCommandTime(cmd.closedBefore)) return refuse("INVALID_COMMAND", "closedBefore must be whole milliseconds since the epoch");
  store.forgetClosedKeyed(cmd.closedBefore);
  return { ok: true, events: [] };
}
