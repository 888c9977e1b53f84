import type { TRPCRouterRecord } from "@trpc/server";
import { authedProcedure, principalOf } from "../trpc.js";

export const authRouter = {
  /** Who the API key belongs to: a cheap way to check a key. */
  whoami: authedProcedure.query(({ ctx }) => {
    const user = ctx.platform.keys.user(principalOf(ctx).userId);
    return {
      userId: principalOf(ctx).userId,
      displayName: user?.displayName ?? principalOf(ctx).userId,
      isAdmin: principalOf(ctx).isAdmin,
      keyId: principalOf(ctx).keyId,
    };
  }),
} satisfies TRPCRouterRecord;
