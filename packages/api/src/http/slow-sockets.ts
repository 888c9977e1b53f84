// A client that reads slower than it is sent to (a stalled browser tab, a congested link) would make
// the server hold everything not yet written to it, without bound, and the writes to it would cost
// the others their share of the event loop. Four times a second the server looks at what each
// socket still has to send; one past the limit (MAX_WS_BUFFERED_BYTES) is closed with
// CLOSE_TOO_SLOW, which tells it to connect again and resume (subscriptions resume from their last
// event id; a market-data subscriber starts from the latest prices), and cut off a second later if
// it has not let go by then. Others are not held up meanwhile: nothing waits for a slow socket.
import { CLOSE_TOO_SLOW } from "../links.js";

const EVERY_MS = 250;
/** How long a socket told to go may take to close before it is cut off. */
const GRACE_MS = 1_000;

export interface WatchedSocket {
  readonly bufferedAmount: number;
  readonly readyState: number;
  close(code: number, reason: string): void;
  terminate(): void;
}

/** Closes the sockets of `sockets()` that are more than `maxBuffered` bytes behind; answers how many. */
export function closeSlowSockets(sockets: Iterable<WatchedSocket>, maxBuffered: number, schedule = setTimeout): number {
  let closed = 0;
  for (const socket of sockets) {
    if (socket.readyState !== 1 || socket.bufferedAmount <= maxBuffered) continue;
    socket.close(CLOSE_TOO_SLOW, "too far behind: connect again and resume");
    schedule(() => {
      if (socket.readyState !== 3) socket.terminate();
    }, GRACE_MS).unref?.();
    closed += 1;
  }
  return closed;
}

/** Watches a server's sockets until the returned function is called; `onClosed` counts those closed. */
export function watchSlowSockets(
  sockets: () => Iterable<WatchedSocket>,
  maxBuffered: number,
  onClosed: (count: number) => void,
): () => void {
  const timer = setInterval(() => {
    const closed = closeSlowSockets(sockets(), maxBuffered);
    if (closed > 0) onClosed(closed);
  }, EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
