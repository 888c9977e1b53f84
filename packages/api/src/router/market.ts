// The import below only lets declaration emit name the types of tRPC subscriptions.
import type {} from "@trpc/server/unstable-core-do-not-import";
import { marketStatus, paiseToRupees, ONE_MINUTE } from "@trading/engine";
import { tracked, TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { candlesInput } from "../procedures/inputs.js";
import { quoteDto } from "../dto.js";
import type { Platform } from "../platform.js";
import { protectedProcedure } from "../trpc.js";
import { markShared } from "../wsEncoder.js";
import { eventStream, sharedPerEvent } from "../procedures/streams.js";
import { latestTicks, onTickInput, symbolsSchema, tickDto } from "../procedures/ticks.js";

/** Ticks as subscribers receive them: converted, and later serialised, once per event for all. */
const trackedTick = sharedPerEvent((event, platform: Platform) =>
  event.type === "price.tick" ? tracked(String(event.seq), markShared(tickDto(platform, event))) : null,
);

export const marketRouter = {
  /**
   * The market's phase (as the market is: the calendar moves it within a quarter second, and an
   * admin may have closed it), the calendar's trading day, next open and close, and the clock.
   */
  status: protectedProcedure.query(({ ctx }) => {
    const { clock, config, engine } = ctx.platform;
    const now = clock.now();
    const status = marketStatus(config.marketCalendar, now);
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      phase: engine.phase,
      tradingDay: status.tradingDay,
      nextOpen: iso(status.nextOpen),
      nextClose: iso(status.nextClose),
      now: new Date(now).toISOString(),
      speed: clock.speed,
      simulated: clock.simulated,
      calendar: config.marketCalendar,
    };
  }),

  quotes: protectedProcedure.input(z.object({ symbols: symbolsSchema }).optional()).query(({ ctx, input }) => {
    const engine = ctx.platform.engine;
    const symbols = input?.symbols ?? engine.instruments().map((i) => i.symbol);
    return symbols.map((symbol) => {
      const quote = engine.quote(symbol);
      if (quote === undefined) throw new TRPCError({ code: "NOT_FOUND", message: `no instrument with symbol ${symbol}` });
      return quoteDto(quote);
    });
  }),

  /**
   * Candles of an interval (1m by default; hour and day candles on the Indian clock), oldest
   * first, the newest `limit` with trading up to `to`, the one still open included.
   */
  candles: protectedProcedure.input(candlesInput()).query(async ({ ctx, input }) => {
    if (ctx.platform.engine.instrument(input.symbol) === undefined) {
      throw new TRPCError({ code: "NOT_FOUND", message: `no instrument with symbol ${input.symbol}` });
    }
    const to = input.to === undefined ? ctx.platform.clock.now() + ONE_MINUTE : Date.parse(input.to);
    const from = input.from === undefined ? 0 : Date.parse(input.from);
    const rows = await ctx.platform.marketHistory.candles({
      symbol: input.symbol,
      interval: input.interval,
      from,
      to,
      limit: input.limit,
    });
    return rows.map((c) => ({
      time: new Date(c.time).toISOString(),
      open: paiseToRupees(c.open),
      high: paiseToRupees(c.high),
      low: paiseToRupees(c.low),
      close: paiseToRupees(c.close),
      volume: c.volume,
    }));
  }),

  /**
   * Live ticks. Every subscriber first gets the current price of each symbol (so it can draw at
   * once), then live ticks: one that reconnects with its last event id gets no ticks it missed,
   * only the latest price of each symbol, which is what a price display needs.
   */
  onTick: protectedProcedure.input(onTickInput).subscription(({ ctx, input, signal }) => {
    const platform = ctx.platform;
    const symbols = input?.symbols ?? null;
    const wanted = symbols === null ? null : new Set(symbols);
    for (const symbol of symbols ?? []) {
      if (platform.engine.instrument(symbol) === undefined)
        throw new TRPCError({ code: "NOT_FOUND", message: `no instrument with symbol ${symbol}` });
    }
    const source = platform.marketEvents;
    return eventStream({
      ctx,
      source,
      signal,
      filter: (e) => e.type === "price.tick" && (wanted === null || wanted.has(e.symbol)),
      // Checked, though a resume starts from the latest prices as a fresh subscriber does.
      lastEventId: input?.lastEventId,
      replays: false,
      initial: () => {
        const seq = source.lastSeq;
        return { seq, items: latestTicks(platform, wanted, seq).map((tick) => tracked(String(seq), tick)) };
      },
      map: (event) => trackedTick(event, platform),
    });
  }),
} satisfies TRPCRouterRecord;
