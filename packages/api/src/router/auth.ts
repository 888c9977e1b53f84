import type { TRPCRouterRecord } from "@trpc/server";
import { protectedProcedure } from "../trpc.js";

export const authRouter = {
  /** Who the API key belongs to: a cheap way to check a key. */
  whoami: protectedProcedure.query(({ ctx }) => {
    const user = ctx.platform.keys.user(ctx.auth.userId);
    return {
      userId: ctx.auth.userId,
      displayName: user?.displayName ?? ctx.auth.userId,
      isAdmin: ctx.auth.isAdmin,
      keyId: ctx.auth.keyId,
    };
  }),
} satisfies TRPCRouterRecord;
