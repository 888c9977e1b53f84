// Ticks as subscribers receive them, for the tRPC procedure (router/market.ts) and the WebSocket
// tick hub (http/tick-hub.ts) alike: the input, the item, and what a fresh subscriber starts with.
import { paiseToRupees, symbolSchema, type EngineEvent } from "@trading/engine";
import { z } from "zod";
import type { Platform } from "../platform.js";
import { lastEventIdInput } from "./streams.js";

/** A list of symbols a request names (quotes, ticks): at most 100. */
export const symbolsSchema = z.array(symbolSchema).max(100).optional();

export const onTickInput = z.object({ symbols: symbolsSchema, lastEventId: lastEventIdInput }).optional();

export type TickEvent = Extract<EngineEvent, { type: "price.tick" }>;

export function tickDto(platform: Platform, event: TickEvent) {
  const previousClose = platform.engine.quote(event.symbol)?.previousClose ?? event.price;
  const change = event.price - previousClose;
  return {
    seq: event.seq,
    symbol: event.symbol,
    price: paiseToRupees(event.price),
    volume: event.volume,
    change: paiseToRupees(change),
    changePercent: previousClose === 0 ? 0 : Math.round((change / previousClose) * 10_000) / 100,
    time: new Date(event.time).toISOString(),
  };
}

export type TickDto = ReturnType<typeof tickDto>;

/** What a fresh subscriber gets first: each wanted symbol's last price (volume 0), as of event `seq`. */
export function latestTicks(platform: Platform, wanted: ReadonlySet<string> | null, seq: number): TickDto[] {
  return platform.engine
    .instruments()
    .filter((i) => wanted === null || wanted.has(i.symbol))
    .map((i) =>
      tickDto(platform, {
        seq,
        time: i.lastTickAt ?? Date.now(),
        type: "price.tick",
        symbol: i.symbol,
        price: i.lastTradedPrice,
        volume: 0,
      }),
    );
}
