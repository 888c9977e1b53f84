import type { TRPCRouterRecord } from "@trpc/server";
import { holdingDto } from "../dto.js";
import { authedProcedure, principalOf } from "../trpc.js";

export const portfolioRouter = {
  /** Holdings valued at the last traded price, with unrealized, realized and day P&L. */
  holdings: authedProcedure.query(({ ctx }) => ctx.platform.exchange.engine.holdings(principalOf(ctx).userId).map(holdingDto)),
} satisfies TRPCRouterRecord;
