// What the engine answers about an order: plain objects made from its record.
import { divRound } from "./money.js";
import type { OrderDetail, OrderView } from "./types.js";
import type { OrderRecord } from "./order-record.js";

export function orderView(o: OrderRecord): OrderView {
  return {
    orderId: o.orderId,
    userId: o.userId,
    clientOrderId: o.clientOrderId,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    validity: o.validity,
    product: o.product,
    quantity: o.quantity,
    price: o.price,
    triggerPrice: o.triggerPrice,
    state: o.state,
    filledQuantity: o.filledQuantity,
    averageFillPrice: o.filledQuantity === 0 ? null : divRound(o.filledValue, o.filledQuantity),
    rejectReason: o.rejectReason,
    rejectMessage: o.rejectMessage,
    placedAt: o.placedAt,
    updatedAt: o.updatedAt,
    triggeredAt: o.triggeredAt,
    amo: o.amo,
    waitingFor: o.waitingFor,
    squareOff: o.squareOff,
  };
}

export function orderDetail(o: OrderRecord): OrderDetail {
  return { ...orderView(o), history: o.history, trades: o.trades.slice() };
}
