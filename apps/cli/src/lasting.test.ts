import { describe, expect, it } from "vitest";
import { lasting } from "./lasting.js";

describe("a lasting subscription", () => {
  it("subscribes afresh when the server no longer keeps its resume point, and fails on anything else", () => {
    const failures: unknown[] = [];
    const handlers: Array<(error: unknown) => void> = [];
    let unsubscribed = 0;
    const subscription = lasting(
      (error) => failures.push(error),
      (onError) => {
        handlers.push(onError);
        return { unsubscribe: () => unsubscribed++ };
      },
    );
    expect(handlers).toHaveLength(1);
    handlers[0]?.({ message: "the last event id is older than ...; subscribe afresh", data: { code: "PRECONDITION_FAILED" } });
    expect(handlers).toHaveLength(2);
    expect(failures).toEqual([]);
    const denied = { message: "the API key was not accepted", data: { code: "UNAUTHORIZED" } };
    handlers[1]?.(denied);
    expect(failures).toEqual([denied]);
    expect(handlers).toHaveLength(2);
    subscription.unsubscribe();
    expect(unsubscribed).toBe(1);
  });
});
