// Contract notes: a user's trades of one trading day (an IST date), each with the charges it
// added, the day's charges per component and the net amount (see the engine's charges/).
import { contractNote, istDate, type ChargeBreakdown, type Trade } from "@trading/engine";
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { chargesDto } from "../dto.js";
import type { History } from "../storage/storage.js";
import { protectedProcedure } from "../trpc.js";

/** More trades than a day's note lists (a paper account trading that much is a runaway script). */
const MAX_TRADES = 10_000;

export const contractNoteInput = () =>
  z.object({ date: z.iso.date("must be a date, YYYY-MM-DD").optional().describe("the trading day, IST; today when absent") });

export const contractNotesRouter = {
  /** The caller's contract note for a trading day: every trade with its charges, the totals, the net. */
  get: protectedProcedure.input(contractNoteInput()).query(async ({ ctx, input }) => {
    const date = input.date ?? istDate(ctx.platform.clock.now());
    const rates = ctx.platform.engine.chargeRates;
    const trades = await tradesOfDay(ctx.platform.historyOf(ctx.auth.userId), ctx.auth.userId, date);
    const exchangeOf = (symbol: string) => ctx.platform.engine.instrument(symbol)?.exchange ?? "NSE";
    // Trades recorded before products were all delivery.
    const fills = trades.map((t) => ({ ...t, product: t.product ?? "CNC", exchange: exchangeOf(t.symbol), value: t.quantity * t.price }));
    const note = rates === null ? null : contractNote(fills, rates);
    const rupees = (paise: number) => paise / 100;
    return {
      date,
      ratesEffective: rates?.effective ?? null,
      trades: fills.map((f, i) => ({
        tradeId: f.tradeId,
        orderId: f.orderId,
        time: new Date(f.time).toISOString(),
        symbol: f.symbol,
        side: f.side,
        product: f.product,
        exchange: f.exchange,
        quantity: f.quantity,
        price: rupees(f.price),
        value: rupees(f.value),
        charges: chargesOf(note?.lines[i]?.charges),
      })),
      totals: note === null ? null : chargesDto(note.totals),
      buyValue: rupees(fills.reduce((sum, f) => sum + (f.side === "BUY" ? f.value : 0), 0)),
      sellValue: rupees(fills.reduce((sum, f) => sum + (f.side === "SELL" ? f.value : 0), 0)),
      net: rupees(fills.reduce((sum, f) => sum + (f.side === "SELL" ? f.value : -f.value), 0) - (note?.totals.total ?? 0)),
    };
  }),
} satisfies TRPCRouterRecord;

const chargesOf = (charges: ChargeBreakdown | undefined) => (charges === undefined ? null : chargesDto(charges));

/** The user's trades of an IST date, oldest first. */
async function tradesOfDay(history: History, userId: string, date: string): Promise<Trade[]> {
  const from = Date.parse(`${date}T00:00:00+05:30`);
  const to = from + 24 * 60 * 60 * 1000;
  const trades: Trade[] = [];
  let cursor: string | undefined;
  do {
    const page = await history.trades({ userId, from, to, cursor, limit: 500 });
    trades.push(...page.items);
    cursor = page.nextCursor ?? undefined;
    if (trades.length > MAX_TRADES) {
      throw new TRPCError({ code: "PAYLOAD_TOO_LARGE", message: `more than ${MAX_TRADES.toLocaleString("en-IN")} trades on ${date}` });
    }
  } while (cursor !== undefined);
  return trades.reverse();
}
