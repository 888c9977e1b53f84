import { describe, expect, it } from "vitest";
import { CLOSE_TOO_SLOW } from "../links.js";
import { closeSlowSockets, type WatchedSocket } from "./slow-sockets.js";

function socket(bufferedAmount: number, readyState = 1) {
  const calls: string[] = [];
  const s: WatchedSocket & { calls: string[]; readyState: number } = {
    bufferedAmount,
    readyState,
    calls,
    close: (code, reason) => {
      calls.push(`close ${code} ${reason}`);
      s.readyState = 2;
    },
    terminate: () => calls.push("terminate"),
  };
  return s;
}

describe("sockets too far behind", () => {
  it("are told to resume, and cut off if they do not go; the others are left alone", () => {
    const later: Array<() => void> = [];
    const schedule = ((run: () => void) => {
      later.push(run);
      return {};
    }) as unknown as typeof setTimeout;
    const slow = socket(2_000_000);
    const stalledThenGone = socket(3_000_000);
    const fine = socket(1_000);
    const closing = socket(5_000_000, 2);
    expect(closeSlowSockets([slow, stalledThenGone, fine, closing], 1024 * 1024, schedule)).toBe(2);
    expect(slow.calls).toEqual([`close ${CLOSE_TOO_SLOW} too far behind: connect again and resume`]);
    expect(fine.calls).toEqual([]);
    expect(closing.calls).toEqual([]);
    stalledThenGone.readyState = 3;
    for (const run of later) run();
    expect(slow.calls.at(-1)).toBe("terminate");
    expect(stalledThenGone.calls.at(-1)).not.toBe("terminate");
  });
});
