// The caller's trades: a paged history and a live stream of fills.
import type {} from "@trpc/server/unstable-core-do-not-import";
import { symbolSchema, type EngineEvent } from "@trading/engine";
import { tracked, type TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { orderDto, tradeDto } from "../dto.js";
import { cursorError } from "../errors.js";
import { cursorText, isoTime, orderIdSchema, pageLimitSchema } from "../procedures/inputs.js";
import { eventStream, lastEventIdInput } from "../procedures/streams.js";
import { protectedProcedure } from "../trpc.js";

export const tradesRouter = {
  list: protectedProcedure
    .input(
      z
        .object({
          symbol: symbolSchema.optional(),
          orderId: orderIdSchema.optional(),
          from: isoTime().optional(),
          to: isoTime().optional(),
          cursor: cursorText().optional(),
          limit: pageLimitSchema,
        })
        .optional(),
    )
    .query(async ({ ctx, input }) => {
      const page = await ctx.platform
        .historyOf(ctx.auth.userId)
        .trades({
          userId: ctx.auth.userId,
          symbol: input?.symbol,
          orderId: input?.orderId,
          from: input?.from === undefined ? undefined : Date.parse(input.from),
          to: input?.to === undefined ? undefined : Date.parse(input.to),
          cursor: input?.cursor,
          limit: input?.limit ?? 50,
        })
        .catch(cursorError);
      return { items: page.items.map(tradeDto), nextCursor: page.nextCursor };
    }),

  /** The caller's fills as they happen; resumable with the last event id. */
  onTrade: protectedProcedure.input(z.object({ lastEventId: lastEventIdInput }).optional()).subscription(({ ctx, input, signal }) => {
    const userId = ctx.auth.userId;
    return eventStream({
      ctx,
      source: ctx.platform.eventsOf(userId),
      signal,
      filter: (e: EngineEvent) => e.type === "order.filled" && e.order.userId === userId,
      lastEventId: input?.lastEventId,
      replays: true,
      map: (event) =>
        event.type === "order.filled"
          ? tracked(String(event.seq), { seq: event.seq, trade: tradeDto(event.trade), order: orderDto(event.order) })
          : null,
    });
  }),
} satisfies TRPCRouterRecord;
