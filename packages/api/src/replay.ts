// What a reconnecting subscriber missed is replayed from memory, within bounds. Resuming is for
// clients that were briefly away: the server keeps the most recent order events (the only ones
// replayed: a tick subscriber resumes from the latest price of each symbol), across restarts too,
// and answers a resume point older than that with an error the client acts on by subscribing
// afresh. Replays take turns, a few at a time and one per user, work in slices of a hundred events
// with rests between them, and wait for the socket to drain, so one user's replays never hold up
// other users' requests or ticks for more than a slice.
import type { EngineEvent } from "@trading/engine";
import { TRPCError } from "@trpc/server";
import type { History } from "./storage/storage.js";

/** Replays that run at once in the whole server; the rest wait their turn. */
export const REPLAYS_AT_ONCE = 2;
/** Events a replay scans (and sends) before it gives the event loop back. */
export const REPLAY_SLICE = 100;
/** Events a starting server reads back (at most) to find the order events it keeps. */
export const REPLAY_STARTUP_SCAN = 1_000_000;
/** The share of its time a running replay may spend working: after each slice it rests 3× as long. */
export const REPLAY_DUTY = 0.25;
/** A replay waits while its socket has more than this many bytes still to send. */
export const REPLAY_SOCKET_BUFFER = 256 * 1024;

/** The most recent order events (fills included), oldest first, for resuming subscribers. */
export class RecentEvents {
  private events: EngineEvent[] = [];
  private start = 0;
  /** Every kept event after this sequence number is here; none until told where keeping starts. */
  private coveredAfter = Number.POSITIVE_INFINITY;

  /** `capacity`: how many events to keep (REPLAY_WINDOW). */
  constructor(readonly capacity: number) {}

  /** Starts keeping: every event after `seq` will be added. */
  startAfter(seq: number): void {
    this.coveredAfter = seq;
  }

  add(event: EngineEvent): void {
    if (!("order" in event)) return;
    this.events.push(event);
    if (this.events.length - this.start <= this.capacity) return;
    this.coveredAfter = (this.events[this.start] as EngineEvent).seq;
    this.start++;
    // Drop the forgotten front now and then, not on every event.
    if (this.start >= this.capacity) {
      this.events = this.events.slice(this.start);
      this.start = 0;
    }
  }

  /** Whether every kept event after `seq` is still here. */
  covers(seq: number): boolean {
    return seq >= this.coveredAfter;
  }

  /** Up to `limit` kept events after `seq`, oldest first. */
  after(seq: number, limit: number): EngineEvent[] {
    let low = this.start;
    let high = this.events.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.events[mid] as EngineEvent).seq <= seq) low = mid + 1;
      else high = mid;
    }
    return this.events.slice(low, low + limit);
  }
}

/**
 * Fills `recent` from the journal's newest order events, so clients resume across a restart: it
 * reads back at most REPLAY_STARTUP_SCAN events, and keeps as many order events as `recent` holds.
 */
export async function keepRecentFrom(history: History, recent: RecentEvents, lastSeq: number): Promise<void> {
  const scannedAfter = Math.max(0, lastSeq - REPLAY_STARTUP_SCAN);
  const events = await history.recentOrderEvents(scannedAfter, recent.capacity);
  const first = events[0];
  // A full read may have left older order events behind: only what follows the first one is whole.
  recent.startAfter(events.length === recent.capacity && first !== undefined ? first.seq - 1 : scannedAfter);
  for (const event of events) recent.add(event);
}

/** The error a subscriber gets when what it missed is no longer kept. */
export function resumeTooOld(kept: number): TRPCError {
  return new TRPCError({
    code: "PRECONDITION_FAILED",
    message: `the last event id is older than the ${kept.toLocaleString("en-IN")} most recent order events this server keeps for resuming; subscribe afresh`,
  });
}

/** Turns for replays: at most `atOnce` in the server, one per user. */
export class ReplayTurns {
  private running = 0;
  private readonly users = new Set<string>();
  private readonly waiting: Array<{ userId: string; go: () => void }> = [];

  constructor(private readonly atOnce = REPLAYS_AT_ONCE) {}

  /** Resolves when this user's replay may run; rejects if `signal` aborts first. */
  async take(userId: string, signal: AbortSignal | undefined): Promise<void> {
    if (this.running < this.atOnce && !this.users.has(userId)) return this.begin(userId);
    await new Promise<void>((resolve, reject) => {
      const entry = { userId, go: () => resolve() };
      this.waiting.push(entry);
      signal?.addEventListener(
        "abort",
        () => {
          const index = this.waiting.indexOf(entry);
          if (index >= 0) this.waiting.splice(index, 1);
          reject(new Error("subscription ended while waiting to replay"));
        },
        { once: true },
      );
    });
  }

  private begin(userId: string): void {
    this.running++;
    this.users.add(userId);
  }

  give(userId: string): void {
    this.running--;
    this.users.delete(userId);
    const index = this.waiting.findIndex((w) => !this.users.has(w.userId));
    if (index < 0 || this.running >= this.atOnce) return;
    const [next] = this.waiting.splice(index, 1);
    if (next === undefined) return;
    this.begin(next.userId);
    next.go();
  }
}

/**
 * Gives the event loop back after a slice that took `workedMs`: other requests, ticks and I/O run
 * meanwhile, and the replay rests long enough to keep to REPLAY_DUTY of the time.
 */
export const rest = (workedMs: number) => new Promise<void>((resolve) => setTimeout(resolve, (workedMs * (1 - REPLAY_DUTY)) / REPLAY_DUTY));

/** Waits while a socket has more than REPLAY_SOCKET_BUFFER bytes still to send. */
export async function drained(
  socket: { bufferedAmount: number; readyState: number } | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  while (socket !== undefined && socket.bufferedAmount > REPLAY_SOCKET_BUFFER && socket.readyState === 1 && signal?.aborted !== true) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
