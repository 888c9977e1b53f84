import { describe, expect, it } from "vitest";
import { markShared, sharedPayloadEncoder } from "./wsEncoder.js";

describe("shared payload encoder", () => {
  it("writes exactly what JSON.stringify would, for shared and ordinary messages", () => {
    const data = markShared({ symbol: "INFY", price: 1500.05, note: 'quote "x"' });
    for (const message of [
      { id: 7, jsonrpc: "2.0", result: { type: "data", id: "42", data } },
      { id: "a", result: { type: "data", data } },
      { id: 1, result: { type: "started" } },
      { id: 2, error: { message: "x" } },
    ]) {
      expect(JSON.parse(sharedPayloadEncoder.encode(message))).toEqual(JSON.parse(JSON.stringify(message)));
    }
  });

  it("serialises a shared payload once for many subscribers", () => {
    const data = markShared({ n: 1 });
    const first = sharedPayloadEncoder.encode({ id: 1, result: { type: "data", id: "9", data } });
    (data as { n: number }).n = 2; // a cached payload is not serialised again
    const second = sharedPayloadEncoder.encode({ id: 2, result: { type: "data", id: "9", data } });
    expect(first).toContain('"data":{"n":1}');
    expect(second).toContain('"data":{"n":1}');
    expect(second).toContain('"id":2');
  });
});
