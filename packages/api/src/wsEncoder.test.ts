import { describe, expect, it } from "vitest";
import { markShared, sharedPayloadEncoder } from "./wsEncoder.js";

/** What tRPC hands the encoder for an item yielded as `tracked(id, payload)`. */
const trackedMessage = (subscription: number | string, trackedId: string, payload: object) => ({
  id: subscription,
  jsonrpc: "2.0",
  result: { type: "data", data: { id: trackedId, data: payload }, id: trackedId },
});

describe("shared payload encoder", () => {
  it("writes exactly what JSON.stringify would, for shared and ordinary messages", () => {
    const data = markShared({ symbol: "INFY", price: 1500.05, note: 'quote "x"' });
    for (const message of [
      trackedMessage(7, "42", data),
      trackedMessage("sub-a", "43", data),
      { id: 7, jsonrpc: "2.0", result: { type: "data", id: "42", data } },
      { id: "a", result: { type: "data", data } },
      { id: 1, result: { type: "started" } },
      { id: 2, error: { message: "x" } },
      { id: 3, result: { type: "data", data: { id: "9", data: { unshared: true } }, id: "9" } },
    ]) {
      expect(JSON.parse(sharedPayloadEncoder.encode(message))).toEqual(JSON.parse(JSON.stringify(message)));
    }
  });

  it("serialises a tracked, shared payload once for many subscribers", () => {
    const data = markShared({ n: 1 });
    const first = sharedPayloadEncoder.encode(trackedMessage(1, "9", data));
    data.n = 2; // a cached payload is not serialised again
    const second = sharedPayloadEncoder.encode(trackedMessage(2, "9", data));
    expect(JSON.parse(first)).toEqual(JSON.parse(JSON.stringify(trackedMessage(1, "9", { n: 1 }))));
    expect(JSON.parse(second)).toEqual(JSON.parse(JSON.stringify(trackedMessage(2, "9", { n: 1 }))));
  });

  it("does not take a look-alike wrapper for a tracked one", () => {
    const data = markShared({ n: 1 });
    const message = { id: 4, result: { type: "data", id: "9", data: { id: "9", data, extra: true } } };
    expect(JSON.parse(sharedPayloadEncoder.encode(message))).toEqual(JSON.parse(JSON.stringify(message)));
  });
});
