// Live subscriptions that outlast the server's memory of what they missed.
import { useEffect } from "react";

/**
 * A subscription that reconnected after longer than the server keeps events for (it answers
 * PRECONDITION_FAILED) starts afresh: a fresh one begins with the current state.
 */
export function useRestartWhenStale(subscription: { error: { data?: { code?: string } | null } | null; reset: () => void }): void {
  const stale = subscription.error?.data?.code === "PRECONDITION_FAILED";
  const { reset } = subscription;
  useEffect(() => {
    if (stale) reset();
  }, [stale, reset]);
}
