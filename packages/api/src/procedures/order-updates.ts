// What subscribers of a user's own streams receive: order updates and fills, amounts in rupees.
import type { EngineEvent } from "@trading/engine";
import { orderDto, tradeDto } from "../dto.js";

export type OrderUpdateType =
  "accepted" | "rejected" | "entered" | "triggered" | "modified" | "filled" | "cancelled" | "expired" | "snapshot";

export function isOwnOrderEvent(userId: string) {
  return (event: EngineEvent): boolean => "order" in event && event.order.userId === userId;
}

export function orderUpdateDto(event: Extract<EngineEvent, { order: unknown }>) {
  return {
    seq: event.seq,
    type: event.type.slice("order.".length) as OrderUpdateType,
    order: orderDto(event.order),
    trade: event.type === "order.filled" ? tradeDto(event.trade) : null,
  };
}

export type OrderUpdateDto = ReturnType<typeof orderUpdateDto>;
