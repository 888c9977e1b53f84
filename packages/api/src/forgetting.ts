// Memory for idempotency keys is bounded by time: the engine keeps a closed order placed with a
// clientOrderId only IDEMPOTENCY_MEMORY_SECONDS after it closed (later retries of the key are
// answered from the database). One process runs this for its engine, a cluster's engine for each
// shard it owns.
import type { CommandQueue } from "./command-queue.js";
import type { Logger } from "./log.js";

/**
 * Has the engine let go of closed orders placed with a clientOrderId once they closed `memoryMs`
 * ago (IDEMPOTENCY_MEMORY_SECONDS), so memory holds open state, not history; the orders router
 * answers later retries of those keys from the database. Looks every tenth of that time (at most
 * every minute) and sends a command only when there is something to let go of.
 */
export function forgetOldClientOrderIds(queue: CommandQueue, memoryMs: number, log: Logger, now: () => number = Date.now): () => void {
  let sending = false;
  const timer = setInterval(
    () => {
      const oldest = queue.engine.oldestClosedKeyedAt();
      if (sending || oldest === null || oldest >= now() - memoryMs) return;
      sending = true;
      queue
        .submit((stamp) => ({ kind: "forgetClientOrderIds", time: stamp.time, closedBefore: stamp.time - memoryMs }))
        .catch((error: unknown) =>
          log.warn("could not let go of old clientOrderIds; trying again later", {
            error: error instanceof Error ? error.message : String(error),
          }),
        )
        .finally(() => {
          sending = false;
        });
    },
    Math.min(60_000, memoryMs / 10),
  );
  timer.unref();
  return () => clearInterval(timer);
}
