import type { TRPCRouterRecord } from "@trpc/server";
import { fundsDto } from "../dto.js";
import { DomainError } from "../errors.js";
import { protectedProcedure } from "../trpc.js";

export const fundsRouter = {
  get: protectedProcedure.query(async ({ ctx }) => {
    const funds = await ctx.platform.accounts.funds(ctx.auth.userId);
    if (funds === undefined) throw new DomainError("UNKNOWN_ACCOUNT", `no trading account for ${ctx.auth.userId}`);
    return fundsDto(funds);
  }),
} satisfies TRPCRouterRecord;
