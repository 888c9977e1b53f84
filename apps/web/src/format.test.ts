import { describe, expect, it } from "vitest";
import { formatChangePercent, formatInr } from "./format.js";

describe("formatting", () => {
  it("groups rupees the Indian way", () => {
    expect(formatInr(1234567.8)).toBe("₹12,34,567.80");
    expect(formatInr(0.05)).toBe("₹0.05");
    expect(formatInr(-1234.5)).toBe("-₹1,234.50");
  });

  it("signs percentage changes", () => {
    expect(formatChangePercent(1.254)).toBe("+1.25%");
    expect(formatChangePercent(-0.4)).toBe("−0.40%");
    expect(formatChangePercent(0)).toBe("0.00%");
  });
});
