// Resumable event streams for subscriptions: listen to live events first, then replay what the
// client missed from storage, then continue live, dropping anything already sent. No gap, no
// duplicate, whatever the timing of the reconnect. One generator per stream, so each delivered
// event costs one step, not one per layer.
import type { EngineEvent } from "@trading/engine";
import { TRPCError } from "@trpc/server";
import type { EventFilter } from "../bus.js";
import type { EventQuery } from "../storage/storage.js";
import { principalOf, type Context } from "../trpc.js";

const PAGE = 1_000;
/** A client further behind than this starts over from the current state instead. */
export const MAX_REPLAY = 100_000;
/** Nor does one whose last event is this far back in the whole event sequence (a long scan). */
export const MAX_BEHIND = 2_000_000;

export function parseLastEventId(lastEventId: string | null | undefined): number | null {
  if (lastEventId === undefined || lastEventId === null) return null;
  const seq = Number(lastEventId);
  return Number.isSafeInteger(seq) && seq >= 0 ? seq : null;
}

/**
 * Every subscriber of an event gets the same event object from the bus, so what it turns into is
 * computed once and shared: a tick sent to 200 sockets is converted once, not 200 times.
 */
export function sharedPerEvent<A extends unknown[], T>(convert: (event: EngineEvent, ...args: A) => T): (event: EngineEvent, ...args: A) => T {
  const cache = new WeakMap<EngineEvent, T>();
  return (event, ...args) => {
    let value = cache.get(event);
    if (value === undefined) {
      value = convert(event, ...args);
      cache.set(event, value);
    }
    return value;
  };
}

/** Subscriptions held per user, against the per-user cap. */
const subscriptionsByUser = new Map<string, number>();

export interface StreamOptions<T> {
  ctx: Context;
  filter: EventFilter;
  query: Omit<EventQuery, "afterSeq" | "limit">;
  /** Continue after this event; null for a fresh subscriber (starts from now, after `initial`). */
  resumeFrom: number | null;
  signal: AbortSignal | undefined;
  /** What a fresh subscriber gets first: the current state. */
  initial?: (seq: number) => T[];
  /** Turns an event into what the client receives (or nothing). */
  map: (event: EngineEvent) => T | null;
}

export async function* eventStream<T>(options: StreamOptions<T>): AsyncGenerator<T> {
  const { ctx } = options;
  const platform = ctx.platform;
  const userId = principalOf(ctx).userId;
  const { maxSubscriptionsPerConnection, maxSubscriptionsPerUser } = platform.config;
  if (ctx.connection !== null && ctx.connection.subscriptions >= maxSubscriptionsPerConnection) {
    throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: `at most ${maxSubscriptionsPerConnection} subscriptions per connection` });
  }
  if ((subscriptionsByUser.get(userId) ?? 0) >= maxSubscriptionsPerUser) {
    throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: `at most ${maxSubscriptionsPerUser} subscriptions per user` });
  }
  subscriptionsByUser.set(userId, (subscriptionsByUser.get(userId) ?? 0) + 1);
  if (ctx.connection !== null) ctx.connection.subscriptions += 1;

  const live = platform.bus.subscribe(options.filter);
  const onAbort = () => live.close();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    let last = options.resumeFrom ?? platform.exchange.engine.lastSeq;
    if (platform.exchange.engine.lastSeq - last > MAX_BEHIND) {
      throw new TRPCError({ code: "PRECONDITION_FAILED", message: `the last event id is more than ${MAX_BEHIND} events old; subscribe afresh` });
    }
    if (options.resumeFrom === null) {
      for (const item of options.initial?.(last) ?? []) yield item;
    }
    let replayed = 0;
    for (;;) {
      const page = await platform.storage.events({ ...options.query, afterSeq: last, limit: PAGE });
      for (const event of page) {
        last = event.seq;
        if (!options.filter(event)) continue;
        const item = options.map(event);
        if (item !== null) yield item;
      }
      replayed += page.length;
      if (page.length < PAGE) break;
      if (replayed > MAX_REPLAY) throw new TRPCError({ code: "PRECONDITION_FAILED", message: `more than ${MAX_REPLAY} events were missed; subscribe afresh` });
    }
    for (;;) {
      const events = await live.take();
      if (events === null) return;
      for (const event of events) {
        if (event.seq <= last) continue;
        last = event.seq;
        const item = options.map(event);
        if (item !== null) yield item;
      }
    }
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    live.close();
    const left = (subscriptionsByUser.get(userId) ?? 1) - 1;
    if (left <= 0) subscriptionsByUser.delete(userId);
    else subscriptionsByUser.set(userId, left);
    if (ctx.connection !== null) ctx.connection.subscriptions -= 1;
  }
}
