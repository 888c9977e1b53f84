// Asking again during a takeover: a request that found no owner (or a stale one) is sent again,
// backing off from 25 ms to 250 ms, until it has an answer or its deadline passes.

/** Calls `attempt` until it answers something other than undefined, or `deadlineMs` has passed (then undefined). */
export async function retrying<T>(deadlineMs: number, attempt: () => Promise<T | undefined>): Promise<T | undefined> {
  const deadline = performance.now() + deadlineMs;
  for (let n = 0; ; n++) {
    const answer = await attempt();
    if (answer !== undefined || performance.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, Math.min(25 * 2 ** n, 250)));
  }
}
