import { describe, expect, it } from "vitest";
import { formatChangePercent, formatInr, formatTime, marketDayRange } from "./format.js";

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

  it("shows times on the market's clock (IST), the date only when it is not today there", () => {
    // 18:40 UTC on the 24th is ten past midnight on the 25th in India.
    const late = "2026-11-24T18:40:00.000Z";
    expect(formatTime(late, new Date("2026-11-25T06:00:00.000Z"))).toBe("00:10:00");
    expect(formatTime(late, new Date("2026-11-24T12:00:00.000Z"))).toBe("25 Nov, 00:10:00");
    expect(formatTime("2026-11-24T09:33:07.000Z", new Date("2026-11-24T10:00:00.000Z"))).toBe("15:03:07");
  });

  it("turns a market day into midnight IST to the next midnight", () => {
    expect(marketDayRange("2026-03-01")).toEqual({ from: "2026-02-28T18:30:00.000Z", to: "2026-03-01T18:30:00.000Z" });
  });
});
