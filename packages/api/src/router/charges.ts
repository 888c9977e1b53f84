// Charges: what an order would cost in brokerage, taxes and fees before it is placed, from the
// engine's rate table (see the engine's charges/rates.ts for each rate and its source).
import {
  NO_CHARGE_RATES,
  orderCharges,
  productSchema,
  quantitySchema,
  rupeePriceSchema,
  rupeesToPaise,
  sideSchema,
  symbolSchema,
} from "@trading/engine";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { chargesDto } from "../dto.js";
import { DomainError } from "../errors.js";
import { protectedProcedure } from "../trpc.js";

export const chargesPreviewInput = () =>
  z.object({
    symbol: symbolSchema,
    side: sideSchema,
    quantity: quantitySchema,
    price: rupeePriceSchema.optional().describe("rupees a share; the last traded price when absent"),
    product: productSchema.default("CNC").describe("CNC (delivery, the default) or MIS (intraday)"),
  });

export const chargesRouter = {
  /** The rate table trades are charged at now (null: no charges), for clients that estimate as you type. */
  rates: protectedProcedure.query(({ ctx }) => ctx.platform.engine.chargeRates),

  /**
   * The charges of one order filled in full, alone on its day: brokerage, STT, exchange charges,
   * the IPFT contribution, SEBI's fee, stamp duty, GST and (for a delivery sell) DP charges.
   */
  preview: protectedProcedure.input(chargesPreviewInput()).query(({ ctx, input }) => {
    const instrument = ctx.platform.engine.instrument(input.symbol);
    if (instrument === undefined) throw new DomainError("UNKNOWN_INSTRUMENT", `no instrument with symbol ${input.symbol}`);
    const price = input.price === undefined ? instrument.lastTradedPrice : (rupeesToPaise(input.price) as number);
    const value = price * input.quantity;
    const rates = ctx.platform.engine.chargeRates;
    const fill = { symbol: input.symbol, side: input.side, product: input.product, exchange: instrument.exchange, value };
    // Without charges (CHARGES=none) every component is zero: the same order under a table of none.
    const charges = orderCharges(fill, rates ?? NO_CHARGE_RATES);
    return { ...input, price: price / 100, value: value / 100, charges: chargesDto(charges), ratesEffective: rates?.effective ?? null };
  }),
} satisfies TRPCRouterRecord;
