// The import below only lets declaration emit name the types of tRPC subscriptions.
import type {} from "@trpc/server/unstable-core-do-not-import";
import {
  isOpen,
  OPEN_STATES,
  modifyOrderRequestSchema,
  orderRequestSchema,
  symbolSchema,
  toEngineModification,
  type CommandResult,
} from "@trading/engine";
import { tracked, TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { cursorText, isoTime, orderIdSchema, orderStateInput, pageLimitSchema } from "../procedures/inputs.js";
import { submitCommand } from "../procedures/commands.js";
import { orderOrThrow, placeOrder } from "../procedures/place-order.js";
import { orderDetailDto, orderDto } from "../dto.js";
import { cursorError, DomainError } from "../errors.js";
import type { Platform } from "../platform.js";
import { protectedProcedure } from "../trpc.js";
import { isOwnOrderEvent, orderUpdateDto } from "../procedures/order-updates.js";
import { eventStream, lastEventIdInput } from "../procedures/streams.js";

/**
 * Closed orders leave the engine's memory; for those the database answers, so a cancel of an
 * executed order still says "not open" rather than "not found".
 */
async function explainMissing(platform: Platform, userId: string, orderId: string, result: CommandResult): Promise<never> {
  if (!result.ok && result.code === "ORDER_NOT_FOUND") {
    const stored = await platform.historyOf(userId).order(userId, orderId);
    if (stored !== null && !isOpen(stored.view.state)) {
      throw new DomainError("ORDER_NOT_OPEN", `order ${orderId} is ${stored.view.state} and can no longer be changed`, orderId);
    }
  }
  orderOrThrow(result);
  throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "unreachable" });
}

const listInput = z
  .object({
    open: z.boolean().optional(),
    symbol: symbolSchema.optional(),
    states: z.array(orderStateInput).max(7).optional(),
    from: isoTime().optional(),
    to: isoTime().optional(),
    cursor: cursorText().optional(),
    limit: pageLimitSchema,
  })
  .optional();

export const ordersRouter = {
  place: protectedProcedure.input(orderRequestSchema).mutation(({ ctx, input }) => placeOrder(ctx.platform, ctx.auth.userId, input)),

  modify: protectedProcedure.input(modifyOrderRequestSchema).mutation(async ({ ctx, input }) => {
    const userId = ctx.auth.userId;
    const change = toEngineModification(input);
    const result = await submitCommand(ctx.platform, {
      kind: "modifyOrder",
      userId,
      orderId: input.orderId,
      ...change,
    });
    if (!result.ok) await explainMissing(ctx.platform, userId, input.orderId, result);
    return orderOrThrow(result);
  }),

  cancel: protectedProcedure.input(z.object({ orderId: orderIdSchema })).mutation(async ({ ctx, input }) => {
    const userId = ctx.auth.userId;
    const result = await submitCommand(ctx.platform, {
      kind: "cancelOrder",
      userId,
      orderId: input.orderId,
    });
    if (!result.ok) await explainMissing(ctx.platform, userId, input.orderId, result);
    return orderOrThrow(result);
  }),

  /** Cancels every open order of the caller (optionally of one symbol); returns those cancelled. */
  cancelAll: protectedProcedure.input(z.object({ symbol: symbolSchema.optional() }).optional()).mutation(async ({ ctx, input }) => {
    const userId = ctx.auth.userId;
    const open = await ctx.platform.accounts.openOrders(userId, input?.symbol);
    const results = await Promise.all(open.map((o) => submitCommand(ctx.platform, { kind: "cancelOrder", userId, orderId: o.orderId })));
    return { cancelled: results.flatMap((r) => (r.ok && r.order !== undefined ? [orderDto(r.order)] : [])) };
  }),

  get: protectedProcedure.input(z.object({ orderId: orderIdSchema })).query(async ({ ctx, input }) => {
    const userId = ctx.auth.userId;
    const stored = await ctx.platform.historyOf(userId).order(userId, input.orderId);
    if (stored === null) throw new DomainError("ORDER_NOT_FOUND", `no order ${input.orderId} for this user`);
    const trades = await ctx.platform.historyOf(userId).trades({ userId, orderId: input.orderId, limit: 500 });
    return orderDetailDto({ ...stored.view, history: stored.history, trades: [...trades.items].reverse() });
  }),

  /** Newest first, with a cursor for the next page. */
  list: protectedProcedure.input(listInput).query(async ({ ctx, input }) => {
    const states = input?.open === true ? [...OPEN_STATES] : input?.states;
    const page = await ctx.platform
      .historyOf(ctx.auth.userId)
      .orders({
        userId: ctx.auth.userId,
        symbol: input?.symbol,
        states: states === undefined ? undefined : [...states],
        from: input?.from === undefined ? undefined : Date.parse(input.from),
        to: input?.to === undefined ? undefined : Date.parse(input.to),
        cursor: input?.cursor,
        limit: input?.limit ?? 50,
      })
      .catch(cursorError);
    return { items: page.items.map(orderDto), nextCursor: page.nextCursor };
  }),

  /**
   * The caller's order updates and fills. A fresh subscriber first gets its open orders as
   * `snapshot` updates; one that reconnects with its last event id gets everything it missed.
   */
  onUpdate: protectedProcedure.input(z.object({ lastEventId: lastEventIdInput }).optional()).subscription(({ ctx, input, signal }) => {
    const userId = ctx.auth.userId;
    return eventStream({
      ctx,
      source: ctx.platform.eventsOf(userId),
      signal,
      filter: isOwnOrderEvent(userId),
      lastEventId: input?.lastEventId,
      replays: true,
      initial: async () => {
        const { seq, orders } = await ctx.platform.accounts.openOrdersNow(userId);
        return {
          seq,
          items: orders.map((order) => tracked(String(seq), { seq, type: "snapshot" as const, order: orderDto(order), trade: null })),
        };
      },
      map: (event) => ("order" in event ? tracked(String(event.seq), orderUpdateDto(event)) : null),
    });
  }),
} satisfies TRPCRouterRecord;
