import type { TRPCRouterRecord } from "@trpc/server";
import { fundsDto, holdingDto } from "../dto.js";
import { DomainError } from "../errors.js";
import { authedProcedure } from "../trpc.js";

export const portfolioRouter = {
  /** Holdings valued at the last traded price, with unrealized, realized and day P&L. */
  holdings: authedProcedure.query(({ ctx }) => ctx.platform.exchange.engine.holdings(ctx.auth.userId).map(holdingDto)),
} satisfies TRPCRouterRecord;

export const fundsRouter = {
  get: authedProcedure.query(({ ctx }) => {
    const funds = ctx.platform.exchange.engine.funds(ctx.auth.userId);
    if (funds === undefined) throw new DomainError("UNKNOWN_ACCOUNT", `no trading account for ${ctx.auth.userId}`);
    return fundsDto(funds);
  }),
} satisfies TRPCRouterRecord;

export const authRouter = {
  /** Who the API key belongs to: a cheap way to check a key. */
  whoami: authedProcedure.query(({ ctx }) => {
    const user = ctx.platform.keys.user(ctx.auth.userId);
    return { userId: ctx.auth.userId, displayName: user?.displayName ?? ctx.auth.userId, isAdmin: ctx.auth.isAdmin, keyId: ctx.auth.keyId };
  }),
} satisfies TRPCRouterRecord;
