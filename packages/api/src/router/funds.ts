import type { TRPCRouterRecord } from "@trpc/server";
import { fundsDto } from "../dto.js";
import { DomainError } from "../errors.js";
import { authedProcedure, principalOf } from "../trpc.js";

export const fundsRouter = {
  get: authedProcedure.query(({ ctx }) => {
    const funds = ctx.platform.exchange.engine.funds(principalOf(ctx).userId);
    if (funds === undefined) throw new DomainError("UNKNOWN_ACCOUNT", `no trading account for ${principalOf(ctx).userId}`);
    return fundsDto(funds);
  }),
} satisfies TRPCRouterRecord;
