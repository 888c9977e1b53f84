// @vitest-environment jsdom
// The header's market status: phase and countdown on the market's clock.
import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithApi } from "../testing/api.js";
import { countdown, MarketStatus } from "./MarketStatus.js";

describe("the market status", () => {
  it("counts down in days and hours, hours and minutes, or minutes and seconds", () => {
    expect([countdown(2 * 86_400_000 + 3 * 3_600_000), countdown(3 * 3_600_000 + 12 * 60_000), countdown(7 * 60_000 + 5_000)]).toEqual([
      "2d 3h",
      "3h 12m",
      "7m 05s",
    ]);
  });

  it("shows a closed market with the time to the next open, on a simulated clock", async () => {
    const now = Date.now();
    renderWithApi(<MarketStatus />, {
      "market.status": () => ({
        phase: "closed",
        tradingDay: "2026-12-07",
        nextOpen: new Date(now + 2 * 86_400_000 + 3 * 3_600_000 + 30_000).toISOString(),
        nextClose: null,
        now: new Date(now).toISOString(),
        speed: 60,
        simulated: true,
        calendar: "nse",
      }),
    });
    expect((await screen.findByText(/Market closed/)).textContent).toBe("Market closed · opens in 2d 3h · clock ×60");
  });
});
