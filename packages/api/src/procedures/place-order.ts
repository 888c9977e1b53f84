// Placing an order, for the tRPC procedure and the REST mirror's direct path alike: a retry of a
// clientOrderId the engine has let go of is answered from the database, anything else goes to the
// engine through the command queue.
import { repeatPlacement, toEngineOrder, type CommandResult, type OrderInput, type OrderRequest } from "@trading/engine";
import { TRPCError } from "@trpc/server";
import { orderDto, type OrderDto } from "../dto.js";
import { DomainError } from "../errors.js";
import type { Platform } from "../platform.js";
import { submitCommand } from "./commands.js";

export async function placeOrder(platform: Platform, userId: string, request: OrderRequest): Promise<OrderDto> {
  const order = toEngineOrder(request);
  const repeat = await repeatFromHistory(platform, userId, order);
  if (repeat !== null) return orderOrThrow(repeat);
  return orderOrThrow(await submitCommand(platform, { kind: "placeOrder", userId, order }));
}

/** The command's order, or the engine's refusal as a typed error. */
export function orderOrThrow(result: CommandResult) {
  if (!result.ok) throw new DomainError(result.code, result.message, result.order?.orderId ?? null);
  if (result.order === undefined) throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "command returned no order" });
  return orderDto(result.order);
}

/**
 * A retry of a clientOrderId the engine has let go of (its order closed more than
 * IDEMPOTENCY_MEMORY_SECONDS ago), answered from the database as the engine would have answered
 * it; null when the engine still holds the key or it was never used. The engine lets a key go only
 * that long after its order closed, and long after the order is durable, so a key missing from
 * both cannot be used meanwhile by another request: that one would still be in the engine's memory
 * when this one reaches it.
 */
async function repeatFromHistory(platform: Platform, userId: string, order: OrderInput): Promise<CommandResult | null> {
  if (order.clientOrderId === undefined || (await platform.accounts.hasClientOrderId(userId, order.clientOrderId))) return null;
  const stored = await platform.historyOf(userId).orderByClientId(userId, order.clientOrderId);
  return stored === null ? null : repeatPlacement(stored, order);
}
