// `trade watch` runs until Ctrl-C, across server restarts and dropped connections.

/**
 * A subscription that lasts: when it reconnects after longer than the server keeps events for
 * (PRECONDITION_FAILED), it subscribes afresh, which starts from the current state; any other
 * error goes to `fail`.
 */
export function lasting(
  fail: (error: unknown) => void,
  subscribe: (onError: (error: unknown) => void) => { unsubscribe(): void },
): { unsubscribe(): void } {
  let current: { unsubscribe(): void };
  const onError = (error: unknown) => {
    if ((error as { data?: { code?: string } }).data?.code === "PRECONDITION_FAILED") current = subscribe(onError);
    else fail(error);
  };
  current = subscribe(onError);
  return { unsubscribe: () => current.unsubscribe() };
}
