// @vitest-environment jsdom
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithApi } from "../testing/api.js";
import { funds, holding, instrument, order, position } from "../testing/fixtures.js";
import { Tables } from "./Tables.js";

const api = {
  "orders.list": () => ({ items: [order({ orderId: "O5", symbol: "INFY", price: 1490 })], nextCursor: null }),
  "portfolio.holdings": () => [{ ...holding("INFY", 3, 1500.1, 1500.1), t1Quantity: 2, realizedPnl: 12.5 }],
  "funds.get": () => funds({ cash: 995_499.7, available: 995_499.7, deposited: 1_000_000, chargesToday: 20.95, chargesPaid: 41.9 }),
  "trades.list": () => ({ items: [], nextCursor: null }),
  "positions.list": () => [position("TCS", -2, 4000, 4000)],
  "orders.cancel": () => order({ orderId: "O5", state: "CANCELLED" }),
  "orders.modify": () => order({ orderId: "O5", price: 1495 }),
};

describe("orders and portfolio tables", () => {
  it("revalues holdings and funds on every price without asking the server again", async () => {
    const user = userEvent.setup();
    const { calls, rerender } = renderWithApi(<Tables instruments={[instrument("INFY", 1500.1, 1490)]} />, api);
    await user.click(screen.getByRole("tab", { name: "Holdings" }));
    const pnl = () => document.querySelector("[data-total-pnl]")?.textContent;
    await waitFor(() => expect(pnl()).toBe("₹0.00"));
    // Two of the three bought today (T1, settling tomorrow), and ₹12.50 booked by an earlier sale.
    const row = document.querySelector('[data-holding="INFY"]')?.textContent ?? "";
    expect(row).toMatch(/^INFY32₹/);
    expect(row).toMatch(/₹12\.50$/);
    const asked = calls.length;
    rerender(<Tables instruments={[instrument("INFY", 1510.35, 1490)]} />);
    expect(pnl()).toBe("₹30.75");
    expect(calls).toHaveLength(asked);
    await user.click(screen.getByRole("tab", { name: "Funds" }));
    await waitFor(() => expect(screen.getByRole("row", { name: /Total P&L/ }).textContent).toContain("₹30.75"));
    expect(screen.getByRole("row", { name: /Charges today/ }).textContent).toContain("₹20.95");
    expect(screen.getByRole("row", { name: /Equity/ }).textContent).toContain("₹10,00,030.75");
  });

  it("moves between tabs with the arrow keys", async () => {
    const user = userEvent.setup();
    renderWithApi(<Tables instruments={[]} />, api);
    screen.getByRole("tab", { name: "Open orders" }).focus();
    await user.keyboard("{ArrowRight}{ArrowRight}{ArrowRight}");
    expect(screen.getByRole("tab", { name: "Holdings" }).getAttribute("aria-selected")).toBe("true");
    expect(document.activeElement).toBe(screen.getByRole("tab", { name: "Holdings" }));
    // Past the first tab, to the last.
    await user.keyboard("{ArrowLeft}{ArrowLeft}{ArrowLeft}{ArrowLeft}");
    expect(screen.getByRole("tab", { name: "Contract note" }).getAttribute("aria-selected")).toBe("true");
  });

  it("modifies only what the trader changed, and cancels", async () => {
    const user = userEvent.setup();
    const { calls } = renderWithApi(<Tables instruments={[]} />, api);
    await user.click(await screen.findByRole("button", { name: "Modify order O5" }));
    const price = screen.getByLabelText("New price");
    await user.clear(price);
    await user.type(price, "1495{Enter}");
    await waitFor(() =>
      expect(calls.filter((c) => c.path === "orders.modify").map((c) => c.input)).toEqual([{ orderId: "O5", price: 1495 }]),
    );
    await user.click(await screen.findByRole("button", { name: "Cancel order O5" }));
    await waitFor(() => expect(calls.filter((c) => c.path === "orders.cancel").map((c) => c.input)).toEqual([{ orderId: "O5" }]));
  });

  it("shows intraday positions marked to the live price, net or by the day's buys and sells", async () => {
    const user = userEvent.setup();
    const { rerender } = renderWithApi(<Tables instruments={[instrument("TCS", 4000)]} />, api);
    await user.click(screen.getByRole("tab", { name: "Positions" }));
    const row = () => document.querySelector('[data-position="MIS:TCS"]')?.textContent ?? "";
    await waitFor(() => expect(row()).toMatch(/^TCSMIS-2₹4,000\.00₹4,000\.00₹0\.00/));
    rerender(<Tables instruments={[instrument("TCS", 3990)]} />);
    // Short 2 from ₹4,000: ₹20 up at ₹3,990, all of it open; the margin stays.
    expect(row()).toMatch(/₹3,990\.00₹20\.00₹0\.00₹20\.00₹1,600\.00$/);
    expect(document.querySelector("[data-positions-pnl]")?.textContent).toBe("₹20.00");
    await user.click(screen.getByRole("radio", { name: "Day" }));
    expect(row()).toBe("TCSMIS0—2₹4,000.00-2₹20.00");
    await user.click(screen.getByRole("tab", { name: "Funds" }));
    await waitFor(() => expect(screen.getByRole("row", { name: /Margin used/ }).textContent).toContain("₹0.00"));
  });

  it("marks an after-market order and says when it enters the market", async () => {
    const amo = order({ orderId: "O9", symbol: "INFY", price: 1490, amo: true, waitingFor: "pre-open" });
    renderWithApi(<Tables instruments={[]} />, { ...api, "orders.list": () => ({ items: [amo], nextCursor: null }) });
    const row = await waitFor(() => {
      const found = document.querySelector('[data-order="O9"]');
      if (found === null) throw new Error("no row yet");
      return found;
    });
    expect(row.textContent).toContain("AMO");
    expect(row.textContent).toContain("at 09:00");
    expect(row.querySelector("[title]")?.getAttribute("title")).toBe("enters the market at the next pre-open, 09:00 IST");
  });
});
