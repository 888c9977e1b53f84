import { describe, expect, it } from "vitest";
import { isLegalTransition, LEGAL_TRANSITIONS } from "./transitions.js";
import { ORDER_STATES, ORDER_TYPES, orderStateIndex, orderTypeIndex } from "./types.js";

describe("the state machine", () => {
  it("allows exactly the moves the exported table lists", () => {
    for (const from of ORDER_STATES) {
      for (const to of ORDER_STATES) {
        expect(isLegalTransition(from, to), `${from} -> ${to}`).toBe(LEGAL_TRANSITIONS[from].includes(to));
      }
    }
  });

  it("numbers states and types as their lists do", () => {
    expect(ORDER_STATES.map(orderStateIndex)).toEqual(ORDER_STATES.map((_, i) => i));
    expect(ORDER_TYPES.map(orderTypeIndex)).toEqual(ORDER_TYPES.map((_, i) => i));
  });
});
