// Resumable event streams for subscriptions: listen to live events first, then replay what the
// client missed (see replay.ts for the bounds), then continue live, dropping anything already
// sent. No gap, no duplicate, whatever the timing of the reconnect. One generator per stream, so
// each delivered event costs one step, not one per layer.
import type { EngineEvent } from "@trading/engine";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { EventFilter } from "../bus.js";
import { drained, REPLAY_SLICE, rest, resumeTooOld } from "../replay.js";
import type { EventSource } from "../platform.js";
import type { AuthedContext } from "../trpc.js";

/** What a subscription takes to resume: the id of the last event it received, as the server issued it. */
export const lastEventIdInput = z
  .string()
  .regex(/^\d{1,15}$/, "must be the id of an event this server sent (decimal digits)")
  .nullish();

/** How long a resume waits for this server to catch up with an id another server sent (a cluster's gateways trail their shards a little). */
const RESUME_CATCH_UP_MS = 2_000;

/**
 * The sequence number a subscriber resumes after, or null for a fresh one. An id the source has
 * not carried yet (after a short wait for it) is refused: a stream resuming after it would never
 * deliver anything.
 */
async function resumePoint(source: EventSource, lastEventId: string | null | undefined): Promise<number | null> {
  if (lastEventId === undefined || lastEventId === null) return null;
  const seq = Number(lastEventId);
  if (!(await source.reached(seq, RESUME_CATCH_UP_MS)))
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `lastEventId ${lastEventId} is after the last event this server sent (${source.lastSeq})`,
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
  /** Where the stream's events come from (`platform.eventsOf(user)` or `platform.marketEvents`). */
  source: EventSource;
  filter: EventFilter;
  /** The id of the last event the client received, to continue after it; none for a fresh subscriber. */
  lastEventId: string | null | undefined;
  /** Whether a resume replays what was missed; without, it starts afresh, after `initial` (ticks: the latest prices are enough). */
  replays: boolean;
  signal: AbortSignal | undefined;
  /** What a fresh subscriber gets first: the current state, and the last event it includes (the source's last by default). */
  initial?: () => Promise<{ seq: number; items: T[] }> | { seq: number; items: T[] };
  /** Turns an event into what the client receives (or nothing). */
  map: (event: EngineEvent) => T | null;
}

/**
 * Counts a new subscription against the per-connection and per-user caps (throws when one is
 * reached); answers the function that gives it back when the subscription ends.
 */
export function holdSubscription(ctx: Pick<AuthedContext, "platform" | "auth" | "connection">): () => void {
  const { maxSubscriptionsPerConnection, maxSubscriptionsPerUser } = ctx.platform.config;
  const userId = ctx.auth.userId;
  const connection = ctx.connection;
  if (connection !== null && connection.subscriptions >= maxSubscriptionsPerConnection) {
    throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: `at most ${maxSubscriptionsPerConnection} subscriptions per connection` });
  }
  if ((subscriptionsByUser.get(userId) ?? 0) >= maxSubscriptionsPerUser) {
    throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: `at most ${maxSubscriptionsPerUser} subscriptions per user` });
  }
  subscriptionsByUser.set(userId, (subscriptionsByUser.get(userId) ?? 0) + 1);
  if (connection !== null) connection.subscriptions += 1;
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    const left = (subscriptionsByUser.get(userId) ?? 1) - 1;
    if (left <= 0) subscriptionsByUser.delete(userId);
    else subscriptionsByUser.set(userId, left);
    if (connection !== null) connection.subscriptions -= 1;
  };
}

export async function* eventStream<T>(options: StreamOptions<T>): AsyncGenerator<T> {
  const { ctx } = options;
  const platform = ctx.platform;
  const userId = ctx.auth.userId;
  const release = holdSubscription(ctx);

  const { source } = options;
  const live = source.bus.subscribe(options.filter);
  const onAbort = () => live.close();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const resumeFrom = await resumePoint(source, options.lastEventId);
    let last = resumeFrom ?? source.lastSeq;
    if (resumeFrom === null || !options.replays) {
      const initial = (await options.initial?.()) ?? { seq: last, items: [] };
      last = initial.seq;
      for (const item of initial.items) yield item;
    } else {
      if (!source.bus.recent.covers(last)) throw resumeTooOld(source.bus.recent.capacity);
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
          if (!source.bus.recent.covers(last)) throw resumeTooOld(source.bus.recent.capacity);
          const started = performance.now();
          const slice = source.bus.recent.after(last, REPLAY_SLICE);
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
    release();
  }
}
