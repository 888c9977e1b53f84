import type { TRPCRouterRecord } from "@trpc/server";
import { fundsDto, holdingDto } from "../dto.js";
import { DomainError } from "../errors.js";
import { authedProcedure, principalOf } from "../trpc.js";

export const portfolioRouter = {
  /** Holdings valued at the last traded price, with unrealized, realized and day P&L. */
  holdings: authedProcedure.query(({ ctx }) => ctx.platform.exchange.engine.holdings(principalOf(ctx).userId).map(holdingDto)),
} satisfies TRPCRouterRecord;

export const fundsRouter = {
  get: authedProcedure.query(({ ctx }) => {
    const funds = ctx.platform.exchange.engine.funds(principalOf(ctx).userId);
    if (funds === undefined) throw new DomainError("UNKNOWN_ACCOUNT", `no trading account for ${principalOf(ctx).userId}`);
    return fundsDto(funds);
  }),
} satisfies TRPCRouterRecord;

export const authRouter = {
  /** Who the API key belongs to: a cheap way to check a key. */
  whoami: authedProcedure.query(({ ctx }) => {
    const user = ctx.platform.keys.user(principalOf(ctx).userId);
    return { userId: principalOf(ctx).userId, displayName: user?.displayName ?? principalOf(ctx).userId, isAdmin: principalOf(ctx).isAdmin, keyId: principalOf(ctx).keyId };
  }),
} satisfies TRPCRouterRecord;
