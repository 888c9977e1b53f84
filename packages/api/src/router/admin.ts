// Admin procedures: users and keys, accounts, instruments, market controls. Each is written to
// the audit log with the acting user.
import {
  DEFAULT_INTRADAY_LEVERAGE,
  EXCHANGES,
  MAX_INTRADAY_LEVERAGE,
  parseCandleCsv,
  rupeesToPaise,
  rupeePriceSchema,
  symbolSchema,
  tickSizeFor,
} from "@trading/engine";
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { idText, pageSize, text } from "../procedures/inputs.js";
import { instrumentDto, quoteDto } from "../dto.js";
import { DomainError } from "../errors.js";
import type { AuthedContext } from "../trpc.js";
import { adminProcedure } from "../trpc.js";
import { submitCommand } from "../procedures/commands.js";
import type { MarketCommand } from "../cluster/market-stream.js";

const userIdSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, "userId is 2-64 lower-case letters, digits, ., _ or -");
const cashSchema = z
  .number()
  .min(0, { message: "cash must be zero or more", abort: true })
  .max(1e12, { message: `cash must be at most ₹${(1e12).toLocaleString("en-IN")}`, abort: true })
  .refine((v) => rupeesToPaise(v) !== undefined, "cash must have at most two decimals");

async function audit(ctx: AuthedContext, action: string, detail: Record<string, unknown>): Promise<void> {
  await ctx.platform.directory.audit({ time: Date.now(), actor: ctx.auth.userId, action, detail });
  ctx.platform.log.info("admin action", { actor: ctx.auth.userId, action, ...detail });
}

/** Changes the market as an admin asked, or throws the engine's refusal. */
async function changeMarket(ctx: AuthedContext, command: MarketCommand): Promise<void> {
  const result = await ctx.platform.market.apply(command);
  if (!result.ok) throw new DomainError(result.code, result.message);
}

function paise(rupees: number): number {
  const value = rupeesToPaise(rupees);
  if (value === undefined) throw new TRPCError({ code: "BAD_REQUEST", message: `${rupees} is not a whole number of paise` });
  return value;
}

export const adminRouter = {
  users: adminProcedure.query(({ ctx }) =>
    ctx.platform.keys.allUsers().map((u) => ({
      userId: u.userId,
      displayName: u.displayName,
      isAdmin: u.isAdmin,
      createdAt: new Date(u.createdAt).toISOString(),
      shard: u.shard ?? null,
    })),
  ),

  /** Creates a user with a trading account and a first API key (shown only in this answer). */
  createUser: adminProcedure
    .input(z.object({ userId: userIdSchema, displayName: text(100), cash: cashSchema.optional(), isAdmin: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      if (ctx.platform.keys.user(input.userId) !== undefined)
        throw new TRPCError({ code: "CONFLICT", message: `user ${input.userId} already exists` });
      const cash = paise(input.cash ?? ctx.platform.config.startingCash);
      await ctx.platform.keys.addUser({
        userId: input.userId,
        displayName: input.displayName,
        isAdmin: input.isAdmin,
        createdAt: Date.now(),
      });
      const opened = await submitCommand(ctx.platform, { kind: "openAccount", userId: input.userId, cash });
      if (!opened.ok && opened.code !== "ACCOUNT_EXISTS") throw new DomainError(opened.code, opened.message);
      const key = await ctx.platform.keys.addKey(input.userId, "created with the user");
      await audit(ctx, "user.create", { userId: input.userId, isAdmin: input.isAdmin, keyId: key.keyId });
      return { userId: input.userId, keyId: key.keyId, apiKey: key.apiKey };
    }),

  createKey: adminProcedure
    .input(z.object({ userId: userIdSchema, label: text(100).default("api key") }))
    .mutation(async ({ ctx, input }) => {
      if (ctx.platform.keys.user(input.userId) === undefined)
        throw new TRPCError({ code: "NOT_FOUND", message: `no user ${input.userId}` });
      const key = await ctx.platform.keys.addKey(input.userId, input.label);
      await audit(ctx, "key.create", { userId: input.userId, keyId: key.keyId, label: input.label });
      return key;
    }),

  /** Revokes a key; its open WebSocket connections are closed at once. */
  revokeKey: adminProcedure.input(z.object({ keyId: idText() })).mutation(async ({ ctx, input }) => {
    const revoked = await ctx.platform.keys.revoke(input.keyId);
    if (!revoked) throw new TRPCError({ code: "NOT_FOUND", message: `no active key ${input.keyId}` });
    await audit(ctx, "key.revoke", { keyId: input.keyId });
    return { keyId: input.keyId, revoked: true };
  }),

  /** Cancels the user's open orders, clears holdings and sets fresh cash. */
  resetAccount: adminProcedure.input(z.object({ userId: userIdSchema, cash: cashSchema.optional() })).mutation(async ({ ctx, input }) => {
    const cash = paise(input.cash ?? ctx.platform.config.startingCash);
    const result = await submitCommand(ctx.platform, { kind: "resetAccount", userId: input.userId, cash });
    if (!result.ok) throw new DomainError(result.code, result.message);
    await audit(ctx, "account.reset", { userId: input.userId, cash: input.cash ?? ctx.platform.config.startingCash });
    return { userId: input.userId, cash: cash / 100 };
  }),

  addInstrument: adminProcedure
    .input(
      z.object({
        symbol: symbolSchema,
        name: text(100),
        exchange: z.enum(EXCHANGES).default("NSE"),
        price: rupeePriceSchema,
        /** A fixed tick size; without one, NSE's table by price applies (reviewed at each session open). */
        tickSize: rupeePriceSchema.optional(),
        band: z
          .union([z.literal(2), z.literal(5), z.literal(10), z.literal(20), z.literal("dynamic")])
          .default(20)
          .describe('the price band: a percentage of the previous close, or "dynamic" (as for stocks with derivatives)'),
        lotSize: z.number().int("must be a whole number").min(1, "must be at least 1").max(100_000, "must be at most 1,00,000").default(1),
        intradayLeverage: z
          .number()
          .int("must be a whole number")
          .min(1, "must be at least 1")
          .max(MAX_INTRADAY_LEVERAGE, `must be at most ${MAX_INTRADAY_LEVERAGE}`)
          .default(DEFAULT_INTRADAY_LEVERAGE)
          .describe("intraday (MIS) leverage: 5 holds 20 % of a position's value as margin"),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const instrument = {
        symbol: input.symbol,
        name: input.name,
        exchange: input.exchange,
        instrumentType: "EQ" as const,
        ...(input.tickSize === undefined
          ? { tickSize: tickSizeFor(paise(input.price)), tickSizeRule: "nse" as const }
          : { tickSize: paise(input.tickSize) }),
        lotSize: input.lotSize,
        price: paise(input.price),
        band: input.band,
        intradayLeverage: input.intradayLeverage,
      };
      await changeMarket(ctx, { kind: "addInstrument", instrument });
      await audit(ctx, "instrument.add", { ...input });
      const view = ctx.platform.engine.instrument(input.symbol);
      if (view === undefined) throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "instrument missing after add" });
      return instrumentDto(view);
    }),

  /** Sets the market price as a trade at that price would: stops trigger, crossed limits fill. */
  setPrice: adminProcedure
    .input(
      z.object({
        symbol: symbolSchema,
        price: rupeePriceSchema,
        volume: z
          .number()
          .int("must be a whole number")
          .min(0, "must be zero or more")
          .max(100_000_000, "must be at most 10,00,00,000")
          .default(10_000),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const price = paise(input.price);
      await changeMarket(ctx, { kind: "tick", symbol: input.symbol, price, volume: input.volume });
      await audit(ctx, "market.setPrice", { ...input });
      const quote = ctx.platform.engine.quote(input.symbol);
      if (quote === undefined) throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "quote missing after set price" });
      return quoteDto(quote);
    }),

  pauseFeed: adminProcedure.mutation(async ({ ctx }) => {
    const running = await ctx.platform.market.setPaused(true);
    await audit(ctx, "feed.pause", {});
    return { running };
  }),

  resumeFeed: adminProcedure.mutation(async ({ ctx }) => {
    const running = await ctx.platform.market.setPaused(false);
    await audit(ctx, "feed.resume", {});
    return { running };
  }),

  /** Closing the session expires every open DAY order. */
  closeSession: adminProcedure.mutation(async ({ ctx }) => {
    await changeMarket(ctx, { kind: "closeSession" });
    await audit(ctx, "session.close", {});
    return { open: false };
  }),

  openSession: adminProcedure.mutation(async ({ ctx }) => {
    await changeMarket(ctx, { kind: "openSession" });
    await audit(ctx, "session.open", {});
    return { open: true };
  }),

  /**
   * Imports 1-minute candles (CSV: symbol,time,open,high,low,close,volume) into the market's
   * history, replacing stored minutes at the same times; every bad row is reported by line and a
   * file with any imports nothing.
   */
  importCandles: adminProcedure
    .input(z.object({ csv: z.string().max(64 * 1024 * 1024, "the file must be at most 64 MiB") }))
    .mutation(async ({ ctx, input }) => {
      const parsed = parseCandleCsv(input.csv, (symbol) => ctx.platform.engine.instrument(symbol) !== undefined);
      if (!parsed.ok) {
        const lines = parsed.errors.map((e) => `line ${e.line}: ${e.message}`).join("\n");
        throw new TRPCError({ code: "BAD_REQUEST", message: `nothing imported; fix these rows:\n${lines}` });
      }
      await ctx.platform.marketHistory.importCandles(parsed.candles);
      const symbols = [...new Set(parsed.candles.map((c) => c.symbol))];
      const times = parsed.candles.map((c) => c.time);
      const summary = {
        candles: parsed.candles.length,
        symbols,
        from: new Date(Math.min(...times)).toISOString(),
        to: new Date(Math.max(...times)).toISOString(),
      };
      await audit(ctx, "history.import", summary);
      return summary;
    }),

  auditLog: adminProcedure.input(z.object({ limit: pageSize(1_000, 100) }).optional()).query(async ({ ctx, input }) => {
    const entries = await ctx.platform.directory.auditLog(input?.limit ?? 100);
    return entries.map((e) => ({ ...e, time: new Date(e.time).toISOString() }));
  }),
} satisfies TRPCRouterRecord;
