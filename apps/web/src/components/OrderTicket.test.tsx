// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { DEFAULT_CHARGE_RATES } from "@trading/engine";
import { describe, expect, it } from "vitest";
import { callsTo, renderWithApi } from "../testing/api.js";
import { funds, holding, order } from "../testing/fixtures.js";
import { OrderTicket } from "./OrderTicket.js";

const api = (place: (input: unknown) => unknown = (input) => order({ orderId: "O7", ...(input as object), state: "EXECUTED" })) => ({
  "funds.get": () => funds({ available: 10_000 }),
  "portfolio.holdings": () => [{ ...holding("INFY", 10, 1400, 1500), reservedQuantity: 3 }],
  "orders.place": place,
});

describe("order ticket", () => {
  it("shows the shared schema's errors inline and sends nothing", async () => {
    const user = userEvent.setup();
    const { calls } = renderWithApi(<OrderTicket symbol="INFY" ltp={1500} />, api());
    await user.selectOptions(screen.getByLabelText("Type"), "LIMIT");
    await user.clear(screen.getByLabelText("Quantity"));
    await user.type(screen.getByLabelText("Quantity"), "1.5");
    await user.type(screen.getByLabelText("Price (₹)"), "10.001");
    await user.click(screen.getByRole("button", { name: "BUY INFY" }));
    expect(await screen.findByText(/must be a whole number of shares/)).toBeTruthy();
    expect(screen.getByText(/at most two decimals/)).toBeTruthy();
    expect(screen.getByLabelText("Quantity").getAttribute("aria-invalid")).toBe("true");
    expect(callsTo(calls, "orders.place")).toEqual([]);
  });

  it("estimates the value against available funds and warns when it is more", async () => {
    const user = userEvent.setup();
    renderWithApi(<OrderTicket symbol="INFY" ltp={1500} />, api());
    const shown = (field: string) => document.querySelector(`[data-${field}]`)?.textContent;
    await waitFor(() => expect(shown("available")).toBe("₹10,000.00"));
    expect(shown("estimate")).toBe("₹1,500.00");
    await user.clear(screen.getByLabelText("Quantity"));
    await user.type(screen.getByLabelText("Quantity"), "7");
    expect(shown("estimate")).toBe("₹10,500.00");
    expect(screen.getByText(/More than the funds available/)).toBeTruthy();
  });

  it("sends exactly the order the trader filled in", async () => {
    const user = userEvent.setup();
    const { calls } = renderWithApi(<OrderTicket symbol="TCS" ltp={4000} />, api());
    await user.click(screen.getByRole("radio", { name: "SELL" }));
    await user.selectOptions(screen.getByLabelText("Type"), "SL");
    await user.clear(screen.getByLabelText("Quantity"));
    await user.type(screen.getByLabelText("Quantity"), "2");
    await user.type(screen.getByLabelText("Price (₹)"), "3890.5");
    await user.type(screen.getByLabelText("Trigger (₹)"), "3900");
    await user.click(screen.getByLabelText("Immediate or cancel"));
    await user.click(screen.getByRole("button", { name: "SELL TCS" }));
    await screen.findByText(/order O7/);
    expect(callsTo(calls, "orders.place")).toEqual([
      { symbol: "TCS", side: "SELL", type: "SL", quantity: 2, price: 3890.5, triggerPrice: 3900, validity: "IOC", product: "CNC" },
    ]);
  });

  it("shows the server's reason when it refuses the order", async () => {
    const user = userEvent.setup();
    renderWithApi(
      <OrderTicket symbol="INFY" ltp={1500} />,
      api(() => {
        throw new Error("buying 9 INFY needs ₹13,500.00 but only ₹10,000.00 is available");
      }),
    );
    await user.click(screen.getByRole("button", { name: "BUY INFY" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("needs ₹13,500.00 but only ₹10,000.00 is available");
  });

  it("takes the side from a B or S key press and puts the cursor in quantity", async () => {
    const { rerender } = renderWithApi(<OrderTicket symbol="INFY" ltp={1500} sideRequest={null} />, api());
    rerender(<OrderTicket symbol="INFY" ltp={1500} sideRequest={{ side: "SELL", n: 1 }} />);
    await waitFor(() => expect(screen.getByRole("button", { name: "SELL INFY" })).toBeTruthy());
    expect(document.activeElement).toBe(screen.getByLabelText("Quantity"));
    fireEvent.change(screen.getByLabelText("Quantity"), { target: { value: "3" } });
    expect(document.querySelector("[data-estimate]")?.textContent).toBe("₹4,500.00");
  });

  it("validates as you type: text, exponents and prices off the tick size are flagged before sending, with the nearest valid prices", async () => {
    const user = userEvent.setup();
    const { calls } = renderWithApi(<OrderTicket symbol="INFY" ltp={1500} tickSize={0.05} />, api());
    const shown = (field: string) => document.querySelector(`[data-${field}]`)?.textContent;
    const quantity = screen.getByLabelText("Quantity");
    for (const typed of ["abc", "10abc", "1e1", "0x10"]) {
      await user.clear(quantity);
      await user.type(quantity, typed);
      expect({ typed, error: screen.getByText(/must be a number of shares/).textContent, estimate: shown("estimate") }).toEqual({
        typed,
        error: "must be a number of shares",
        estimate: "—",
      });
    }
    await user.click(screen.getByRole("button", { name: "BUY INFY" }));
    expect(callsTo(calls, "orders.place")).toEqual([]);

    await user.clear(quantity);
    await user.type(quantity, "2");
    await user.selectOptions(screen.getByLabelText("Type"), "LIMIT");
    await user.click(screen.getByRole("button", { name: "BUY INFY" }));
    expect(screen.getByText("is required (the last price is ₹1,500.00)")).toBeTruthy();
    await user.type(screen.getByLabelText("Price (₹)"), "1500.03");
    expect(screen.getByText("must be a multiple of ₹0.05: ₹1,500.00 or ₹1,500.05")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "BUY INFY" }));
    expect(callsTo(calls, "orders.place")).toEqual([]);
    await user.type(screen.getByLabelText("Price (₹)"), "{Backspace}5");
    expect(shown("estimate")).toBe("₹3,000.10");
    await user.click(screen.getByRole("button", { name: "BUY INFY" }));
    await screen.findByText(/order O7/);
    expect(callsTo(calls, "orders.place")).toEqual([
      { symbol: "INFY", side: "BUY", type: "LIMIT", quantity: 2, price: 1500.05, validity: "DAY", product: "CNC" },
    ]);
  });

  it("shows the tick size and today's band by the price, and flags a price outside the band before sending", async () => {
    const user = userEvent.setup();
    const { calls } = renderWithApi(<OrderTicket symbol="INFY" ltp={1500} tickSize={0.1} band={{ lower: 1350, upper: 1650 }} />, api());
    await user.selectOptions(screen.getByLabelText("Type"), "LIMIT");
    expect(screen.getByText("Tick ₹0.10 · band ₹1,350.00 to ₹1,650.00")).toBeTruthy();
    await user.type(screen.getByLabelText("Price (₹)"), "1650.10");
    expect(screen.getByText("must be within today's band, ₹1,350.00 to ₹1,650.00")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "BUY INFY" }));
    expect(callsTo(calls, "orders.place")).toEqual([]);
    await user.clear(screen.getByLabelText("Price (₹)"));
    await user.type(screen.getByLabelText("Price (₹)"), "1650");
    expect(screen.queryByText(/must be within/)).toBeNull();
  });

  it("says when an order placed now enters the market: after the close as an AMO, at 09:00 or 09:15", async () => {
    const user = userEvent.setup();
    const status = { phase: "closed" };
    renderWithApi(<OrderTicket symbol="INFY" ltp={1500} />, { ...api(), "market.status": () => status });
    const note = () => document.querySelector("[data-entry]")?.textContent;
    await waitFor(() => expect(note()).toBe("After-market order: it enters the market at the next pre-open, 09:00 IST."));
    await user.selectOptions(screen.getByLabelText("Type"), "SL");
    expect(note()).toBe("After-market order: it enters the market at the next open, 09:15 IST.");
  });

  it("estimates the charges with the server's rates, and counts them against the funds", async () => {
    const user = userEvent.setup();
    renderWithApi(<OrderTicket symbol="INFY" ltp={1000} />, { ...api(), "charges.rates": () => DEFAULT_CHARGE_RATES });
    const shown = (field: string) => document.querySelector(`[data-${field}]`)?.textContent;
    await user.clear(screen.getByLabelText("Quantity"));
    await user.type(screen.getByLabelText("Quantity"), "10");
    // ₹10,000 delivery buy: STT ₹10, stamp duty ₹1.50, exchange ₹0.30, IPFT and SEBI ₹0.01 each, GST ₹0.06.
    await waitFor(() => expect(shown("charges")).toBe("₹11.88"));
    // ₹10,000 available: the value fits, with its charges it does not.
    expect(screen.getByText(/More than the funds available/)).toBeTruthy();
  });

  it("says nothing about entry while the normal market is open", async () => {
    renderWithApi(<OrderTicket symbol="INFY" ltp={1500} />, { ...api(), "market.status": () => ({ phase: "open" }) });
    await screen.findByText("₹10,000.00");
    expect(document.querySelector("[data-entry]")).toBeNull();
  });

  it("sells short intraday: the product selector sends MIS and shows the server's margin for it", async () => {
    const user = userEvent.setup();
    // The server's answer: a fifth of ₹15,000 and room for charges.
    const basket = (input: unknown) => {
      const [o] = (input as { orders: Array<{ product: string }> }).orders;
      return { orders: [{ blocked: o?.product === "MIS" ? 3_020 : 0 }], blocked: 3_020, available: 10_000, shortfall: 0 };
    };
    const { calls } = renderWithApi(<OrderTicket symbol="INFY" ltp={1500} />, { ...api(), "margins.basket": basket });
    await user.click(screen.getByRole("radio", { name: "SELL" }));
    await user.click(screen.getByRole("radio", { name: /Intraday/ }));
    await user.clear(screen.getByLabelText("Quantity"));
    await user.type(screen.getByLabelText("Quantity"), "10");
    await waitFor(() => expect(document.querySelector("[data-margin]")?.textContent).toBe("₹3,020.00"));
    // Intraday sells need no shares: no free-shares line, no warning.
    expect(document.querySelector("[data-free-shares]")).toBeNull();
    expect(screen.queryByText(/free shares/)).toBeNull();
    await user.click(screen.getByRole("button", { name: "SELL INFY" }));
    await screen.findByText(/order O7/);
    expect(callsTo(calls, "orders.place")).toEqual([
      { symbol: "INFY", side: "SELL", type: "MARKET", quantity: 10, validity: "DAY", product: "MIS" },
    ]);
    expect(callsTo(calls, "margins.basket").at(-1)).toEqual({
      orders: [{ symbol: "INFY", side: "SELL", type: "MARKET", quantity: 10, validity: "DAY", product: "MIS" }],
    });
  });

  it("shows the free shares for a SELL, and warns when the quantity is more", async () => {
    const user = userEvent.setup();
    renderWithApi(<OrderTicket symbol="INFY" ltp={1500} tickSize={0.05} />, api());
    await user.click(screen.getByRole("radio", { name: "SELL" }));
    // 10 held, 3 of them in open SELL orders.
    await waitFor(() => expect(document.querySelector("[data-free-shares]")?.textContent).toBe("7"));
    expect(document.querySelector("[data-available]")).toBeNull();
    await user.clear(screen.getByLabelText("Quantity"));
    await user.type(screen.getByLabelText("Quantity"), "8");
    expect(screen.getByText(/More than your 7 free shares/)).toBeTruthy();
  });
});
