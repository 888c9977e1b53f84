import { describe, expect, it } from "vitest";
import { clock, dateTime, day, minute } from "./clock.js";

describe("times on the market's clock", () => {
  // 18:40 UTC on the 24th is ten past midnight on the 25th in India.
  const late = "2026-11-24T18:40:00.000Z";

  it("shows IST, ten past midnight as 00:10 (not 24:10)", () => {
    expect(dateTime(late)).toBe("25/11/2026, 00:10:00");
    expect(clock(late)).toBe("00:10:00");
    expect(minute(late)).toBe("25/11/26, 00:10");
    expect(day(late)).toBe("25 Nov 2026");
    expect(dateTime(null)).toBe("-");
  });
});
