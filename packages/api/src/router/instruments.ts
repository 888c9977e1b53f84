import { symbolSchema } from "@trading/engine";
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { instrumentDto } from "../dto.js";
import { protectedProcedure } from "../trpc.js";

export const instrumentsRouter = {
  list: protectedProcedure.query(({ ctx }) => ctx.platform.engine.instruments().map(instrumentDto)),

  get: protectedProcedure.input(z.object({ symbol: symbolSchema })).query(({ ctx, input }) => {
    const instrument = ctx.platform.engine.instrument(input.symbol);
    if (instrument === undefined) throw new TRPCError({ code: "NOT_FOUND", message: `no instrument with symbol ${input.symbol}` });
    return instrumentDto(instrument);
  }),
} satisfies TRPCRouterRecord;
