// Resumable event streams for subscriptions: listen to live events first, then replay what the
// client missed from storage, then continue live, dropping anything already sent. No gap, no
// duplicate, whatever the timing of the reconnect.
import type { EngineEvent } from "@trading/engine";
import type { EventFilter } from "../bus.js";
import type { Platform } from "../platform.js";
import type { EventQuery } from "../storage/storage.js";

const PAGE = 1_000;
/** A client further behind than this starts over from the current state instead. */
export const MAX_REPLAY = 100_000;

export class ReplayTooLongError extends Error {
  constructor() {
    super(`more than ${MAX_REPLAY} events were missed; start a fresh subscription`);
    this.name = "ReplayTooLongError";
  }
}

export function parseLastEventId(lastEventId: string | null | undefined): number | null {
  if (lastEventId === undefined || lastEventId === null) return null;
  const seq = Number(lastEventId);
  return Number.isSafeInteger(seq) && seq >= 0 ? seq : null;
}

export async function* resumableEvents(
  platform: Platform,
  filter: EventFilter,
  query: Omit<EventQuery, "afterSeq" | "limit">,
  after: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<EngineEvent> {
  const live = platform.bus.subscribe(filter, signal);
  let last = after;
  try {
    let replayed = 0;
    for (;;) {
      const page = await platform.storage.events({ ...query, afterSeq: last, limit: PAGE });
      for (const event of page) {
        if (!filter(event)) continue;
        yield event;
        last = event.seq;
      }
      replayed += page.length;
      if (page.length < PAGE) break;
      if (replayed > MAX_REPLAY) throw new ReplayTooLongError();
      if (page.length > 0) last = (page[page.length - 1] as EngineEvent).seq;
    }
    for await (const event of live) {
      if (event.seq <= last) continue;
      last = event.seq;
      yield event;
    }
  } finally {
    await live.return(undefined);
  }
}
