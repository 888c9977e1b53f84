// @vitest-environment jsdom
import { renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { useRestartWhenStale } from "./subscriptions.js";

describe("a subscription whose resume point the server no longer keeps", () => {
  it("starts afresh once, and not for other errors", () => {
    let resets = 0;
    const reset = () => resets++;
    type Failure = { data?: { code?: string } } | null;
    const { rerender } = renderHook((error: Failure) => useRestartWhenStale({ error, reset }), { initialProps: null as Failure });
    expect(resets).toBe(0);
    rerender({ data: { code: "UNAUTHORIZED" } });
    expect(resets).toBe(0);
    rerender({ data: { code: "PRECONDITION_FAILED" } });
    rerender({ data: { code: "PRECONDITION_FAILED" } });
    expect(resets).toBe(1);
  });
});
