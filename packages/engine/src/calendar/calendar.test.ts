// The NSE calendar: weekends and the 2026 holidays closed, the session's phases on IST.
import { describe, expect, it } from "vitest";
import { isNseTradingDay, marketStatus, nextSessionStep, nseHoliday } from "./calendar.js";
import { NSE_HOLIDAYS } from "./nse-holidays.js";

/** A moment given as an IST wall-clock time. */
const ist = (local: string): number => Date.parse(`${local}+05:30`);

describe("the NSE calendar", () => {
  it("lists 2026's fifteen weekday holidays, each on a weekday", () => {
    const days = Object.keys(NSE_HOLIDAYS);
    expect(days).toHaveLength(15);
    for (const day of days) expect(isNseTradingDay(ist(`${day}T12:00:00`))).toBe(false);
    expect(days.every((day) => ![0, 6].includes(new Date(`${day}T12:00:00Z`).getUTCDay()))).toBe(true);
    expect(nseHoliday(ist("2026-12-25T10:00:00"))).toBe("Christmas");
  });

  it("walks a trading day through pre-open, the opening, the normal market and the close", () => {
    const phases = ["08:59", "09:00", "09:07", "09:08", "09:14", "09:15", "15:29", "15:30"].map(
      (hhmm) => marketStatus("nse", ist(`2026-12-04T${hhmm}:00`)).phase,
    );
    expect(phases).toEqual(["closed", "pre-open", "pre-open", "opening", "opening", "open", "open", "closed"]);
  });

  it("says when the market opens and closes next, skipping weekends and holidays", () => {
    // Friday, in session: closes today, opens again on Monday.
    expect(marketStatus("nse", ist("2026-12-04T10:00:00"))).toEqual({
      phase: "open",
      tradingDay: "2026-12-04",
      nextOpen: ist("2026-12-07T09:15:00"),
      nextClose: ist("2026-12-04T15:30:00"),
    });
    // Saturday: Monday's session is the next trading day.
    expect(marketStatus("nse", ist("2026-12-05T11:00:00"))).toMatchObject({ phase: "closed", tradingDay: "2026-12-07" });
    // Thursday evening before Christmas (a Friday): the next session is on Monday the 28th.
    expect(marketStatus("nse", ist("2026-12-24T16:00:00"))).toEqual({
      phase: "closed",
      tradingDay: "2026-12-28",
      nextOpen: ist("2026-12-28T09:15:00"),
      nextClose: ist("2026-12-28T15:30:00"),
    });
    // Early on a trading day: today's session is next.
    expect(marketStatus("nse", ist("2026-12-07T06:00:00"))).toMatchObject({
      tradingDay: "2026-12-07",
      nextOpen: ist("2026-12-07T09:15:00"),
    });
  });

  it("has the always-open market open at every hour of every day", () => {
    expect(marketStatus("always", ist("2026-12-25T03:00:00"))).toEqual({
      phase: "open",
      tradingDay: "2026-12-25",
      nextOpen: null,
      nextClose: null,
    });
  });
});

describe("the session's next step toward the calendar", () => {
  it("walks a day through pre-open, auction, open and close, and catches up after missing some", () => {
    expect(nextSessionStep("closed", "pre-open")).toBe("startPreOpen");
    expect(nextSessionStep("pre-open", "opening")).toBe("openingAuction");
    expect(nextSessionStep("opening", "open")).toBe("openSession");
    expect(nextSessionStep("open", "closed")).toBe("closeSession");
    expect(nextSessionStep("open", "open")).toBeNull();
    // Started mid-session: open at once. Down over the close: close before the next pre-open.
    expect(nextSessionStep("closed", "open")).toBe("openSession");
    expect(nextSessionStep("open", "pre-open")).toBe("closeSession");
    expect(nextSessionStep("pre-open", "open")).toBe("openingAuction");
  });
});
