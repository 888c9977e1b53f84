import type { TRPCRouterRecord } from "@trpc/server";
import { holdingDto } from "../dto.js";
import { protectedProcedure } from "../trpc.js";

export const portfolioRouter = {
  /** Holdings valued at the last traded price, with unrealized, realized and day P&L. */
  holdings: protectedProcedure.query(async ({ ctx }) => (await ctx.platform.accounts.holdings(ctx.auth.userId)).map(holdingDto)),
} satisfies TRPCRouterRecord;
