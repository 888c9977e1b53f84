// Resumable event streams for subscriptions: listen to live events first, then replay what the
// client missed (see replay.ts for the bounds), then continue live, dropping anything already
// sent. No gap, no duplicate, whatever the timing of the reconnect. One generator per stream, so
// each delivered event costs one step, not one per layer.
import type { EngineEvent } from "@trading/engine";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { EventFilter } from "../bus.js";
import { drained, REPLAY_SLICE, rest, resumeTooOld } from "../replay.js";
import type { AuthedContext, Context } from "../trpc.js";

/** What a subscription takes to resume: the id of the last event it received, as the server issued it. */
export const lastEventIdInput = z
  .string()
  .regex(/^\d{1,15}$/, "must be the id of an event this server sent (decimal digits)")
  .nullish();

/**
 * The sequence number a subscriber resumes after, or null for a fresh one. An id the server has
 * not issued yet is refused: a stream resuming after it would never deliver anything.
 */
export function resumePoint(ctx: Context, lastEventId: string | null | undefined): number | null {
  if (lastEventId === undefined || lastEventId === null) return null;
  const seq = Number(lastEventId);
  const lastSeq = ctx.platform.engine.lastSeq;
  if (seq > lastSeq)
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `lastEventId ${lastEventId} is after the last event this server sent (${lastSeq})`,
    });
  return seq;
}

/**
 * Every subscriber of an event gets the same event object from the bus, so what it turns into is
 * computed once and shared: a tick sent to 200 sockets is converted once, not 200 times.
 */
export function sharedPerEvent<A extends unknown[], T>(
  convert: (event: EngineEvent, ...args: A) => T,
): (event: EngineEvent, ...args: A) => T {
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
  ctx: AuthedContext;
  filter: EventFilter;
  /** Continue after this event (see `resumePoint`); null for a fresh subscriber, which starts from now, after `initial`. */
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
  const userId = ctx.auth.userId;
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
    let last = options.resumeFrom ?? platform.engine.lastSeq;
    if (options.resumeFrom === null) {
      for (const item of options.initial?.(last) ?? []) yield item;
    } else {
      if (!platform.bus.recent.covers(last)) throw resumeTooOld(platform.bus.recent.capacity);
      // A subscription that ends while it waits for its turn just ends.
      if (
        !(await platform.replays.take(userId, options.signal).then(
          () => true,
          () => false,
        ))
      )
        return;
      try {
        for (;;) {
          await drained(ctx.connection?.socket, options.signal);
          // The window may have moved past this replay while it waited.
          if (!platform.bus.recent.covers(last)) throw resumeTooOld(platform.bus.recent.capacity);
          const started = performance.now();
          const slice = platform.bus.recent.after(last, REPLAY_SLICE);
          for (const event of slice) {
            last = event.seq;
            if (!options.filter(event)) continue;
            const item = options.map(event);
            if (item !== null) yield item;
          }
          if (slice.length < REPLAY_SLICE) break;
          await rest(performance.now() - started);
        }
      } finally {
        platform.replays.give(userId);
      }
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
