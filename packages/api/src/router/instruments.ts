import { symbolSchema } from "@trading/engine";
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { instrumentDto } from "../dto.js";
import { authedProcedure } from "../trpc.js";

export const instrumentsRouter = {
  list: authedProcedure.query(({ ctx }) => ctx.platform.exchange.engine.instruments().map(instrumentDto)),

  get: authedProcedure.input(z.object({ symbol: symbolSchema })).query(({ ctx, input }) => {
    const instrument = ctx.platform.exchange.engine.instrument(input.symbol);
    if (instrument === undefined) throw new TRPCError({ code: "NOT_FOUND", message: `no instrument with symbol ${input.symbol}` });
    return instrumentDto(instrument);
  }),
} satisfies TRPCRouterRecord;
