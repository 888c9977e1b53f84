// @vitest-environment jsdom
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { callsTo, renderWithApi } from "../testing/api.js";
import { instrument, order, trade } from "../testing/fixtures.js";
import { historyInput, OrderHistory } from "./OrderHistory.js";

const ORDERS = [
  order({ orderId: "O3", symbol: "TCS", state: "CANCELLED" }),
  order({ orderId: "O2", symbol: "INFY", type: "MARKET", price: null, state: "EXECUTED", filledQuantity: 1, averageFillPrice: 1500 }),
  order({ orderId: "O1", symbol: "INFY", state: "REJECTED", rejectReason: "INSUFFICIENT_FUNDS", rejectMessage: "not enough cash" }),
];

/** A fake orders.list that filters like the server and pages two at a time. */
function ordersList(input: unknown) {
  const q = input as { states?: string[]; symbol?: string; cursor?: string };
  const matching = ORDERS.filter(
    (o) => (q.states === undefined || q.states.includes(o.state)) && (q.symbol === undefined || o.symbol === q.symbol),
  );
  const start = q.cursor === undefined ? 0 : Number(q.cursor);
  return { items: matching.slice(start, start + 2), nextCursor: start + 2 < matching.length ? String(start + 2) : null };
}

const api = {
  "instruments.list": () => [instrument("INFY", 1500), instrument("TCS", 4000)],
  "orders.list": ordersList,
  "orders.get": (input: unknown) => ({
    ...ORDERS[1],
    history: [
      { state: "PLACED", time: "2026-11-24T09:15:00.000Z", cause: "placed", description: "placed" },
      {
        state: "CANCELLED",
        time: "2026-11-24T09:15:00.000Z",
        cause: "ioc-unfilled",
        description: "IOC: nothing more filled on arrival, cancelled",
      },
    ],
    trades: [trade({ tradeId: "T9", orderId: (input as { orderId: string }).orderId })],
  }),
};

const shownOrders = () =>
  screen
    .queryAllByRole("row")
    .map((r) => r.getAttribute("data-order"))
    .filter((id) => id !== null);

describe("order history", () => {
  it("pages through every order, newest first", async () => {
    const user = userEvent.setup();
    renderWithApi(<OrderHistory />, api);
    await waitFor(() => expect(shownOrders()).toEqual(["O3", "O2"]));
    await user.click(screen.getByRole("button", { name: "Load older orders" }));
    await waitFor(() => expect(shownOrders()).toEqual(["O3", "O2", "O1"]));
    expect(screen.queryByRole("button", { name: "Load older orders" })).toBeNull();
  });

  it("asks the server for the chosen status, symbol and day", async () => {
    const user = userEvent.setup();
    const { calls } = renderWithApi(<OrderHistory />, api);
    await waitFor(() => expect(shownOrders()).toHaveLength(2));
    await user.selectOptions(screen.getByLabelText("Status"), "Executed");
    await waitFor(() => expect(shownOrders()).toEqual(["O2"]));
    await user.selectOptions(screen.getByLabelText("Symbol"), "TCS");
    expect(await screen.findByText("No orders match these filters.")).toBeTruthy();
    const last = callsTo(calls, "orders.list").at(-1);
    expect(last).toMatchObject({ states: ["EXECUTED"], symbol: "TCS", limit: 50 });
    await user.click(screen.getByRole("button", { name: "Clear filters" }));
    await waitFor(() => expect(shownOrders()).toEqual(["O3", "O2"]));
  });

  it("turns a day into the market's midnight-to-midnight range (IST), whatever the browser's zone", () => {
    const input = historyInput({ status: "Open", symbol: "", day: "2026-11-24" });
    expect(input.states).toEqual(["PLACED", "TRIGGER_PENDING", "PARTIALLY_EXECUTED"]);
    expect(input.from).toBe("2026-11-23T18:30:00.000Z");
    expect(input.to).toBe("2026-11-24T18:30:00.000Z");
  });

  it("opens an order's state history and fills", async () => {
    const user = userEvent.setup();
    renderWithApi(<OrderHistory />, api);
    await user.click(await screen.findByRole("button", { name: "Details of order O2" }));
    const detail = await screen.findByText("Fills");
    const box = within(detail.parentElement as HTMLElement);
    expect(box.getByText(/1 @ ₹1,500.00/)).toBeTruthy();
    expect(screen.getByText("CANCELLED", { selector: "strong" })).toBeTruthy();
    // Why, in words: an IOC's remainder, not a cancel by the trader.
    expect(screen.getByText("IOC: nothing more filled on arrival, cancelled")).toBeTruthy();
  });

  it("says so when the history cannot be loaded", async () => {
    renderWithApi(<OrderHistory />, { ...api, "orders.list": () => Promise.reject(new Error("database unavailable")) });
    expect((await screen.findByRole("alert")).textContent).toContain("Could not load order history: database unavailable");
  });
});
