import { describe, expect, it } from "vitest";
import { divRound, formatRupees, mulDivRound, rupeesToPaise } from "./money.js";

describe("money", () => {
  it("turns rupees into whole paise, refusing a third decimal", () => {
    expect(rupeesToPaise(2450.05)).toBe(245_005);
    expect(rupeesToPaise(0.1 + 0.2)).toBe(30);
    expect(rupeesToPaise(1.005)).toBeUndefined();
    expect(rupeesToPaise(Number.NaN)).toBeUndefined();
    expect(rupeesToPaise(Number.POSITIVE_INFINITY)).toBeUndefined();
  });

  it("rounds half away from zero", () => {
    expect(divRound(5, 2)).toBe(3);
    expect(divRound(-5, 2)).toBe(-3);
    expect(divRound(7, 3)).toBe(2);
    expect(divRound(0, 3)).toBe(0);
    expect(Object.is(divRound(-1, 3), -0)).toBe(false);
  });

  it("multiplies and divides exactly past 2^53", () => {
    const big = 9_000_000_000_000;
    expect(mulDivRound(big, 3_000, 7_000)).toBe(3_857_142_857_143);
    expect(mulDivRound(10, 3, 4)).toBe(8);
  });

  it("formats rupees in the Indian grouping", () => {
    expect(formatRupees(10_00_000_00)).toBe("10,00,000.00");
    expect(formatRupees(1_23_45_678_90)).toBe("1,23,45,678.90");
    expect(formatRupees(505)).toBe("5.05");
    expect(formatRupees(-99_999)).toBe("-999.99");
  });
});
