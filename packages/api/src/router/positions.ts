// Positions: today's trades by product with their P&L marked to the market, and moving a position
// between delivery (CNC) and intraday (MIS), as Kite's position conversion does.
import { convertPositionRequestSchema } from "@trading/engine";
import type { TRPCRouterRecord } from "@trpc/server";
import { fundsDto, positionDto } from "../dto.js";
import { DomainError } from "../errors.js";
import { submitCommand } from "../procedures/commands.js";
import { protectedProcedure } from "../trpc.js";

export const positionsRouter = {
  /** Each product and symbol traded today, and each open intraday position. */
  list: protectedProcedure.query(async ({ ctx }) => (await ctx.platform.accounts.positions(ctx.auth.userId)).map(positionDto)),

  /**
   * Moves part of today's position to the other product: MIS to CNC pays the shares' cost and
   * releases their margin (long positions only); CNC to MIS takes shares bought today onto margin.
   * Answers the funds after it.
   */
  convert: protectedProcedure.input(convertPositionRequestSchema).mutation(async ({ ctx, input }) => {
    const userId = ctx.auth.userId;
    const result = await submitCommand(ctx.platform, { kind: "convertPosition", userId, ...input });
    if (!result.ok) throw new DomainError(result.code, result.message);
    const funds = await ctx.platform.accounts.funds(userId);
    if (funds === undefined) throw new DomainError("UNKNOWN_ACCOUNT", `no trading account for ${userId}`);
    return { ...input, funds: fundsDto(funds) };
  }),
} satisfies TRPCRouterRecord;
