// @vitest-environment jsdom
import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithApi } from "../testing/api.js";
import { ContractNote } from "./ContractNote.js";

const charges = {
  brokerage: 0,
  stt: 15,
  exchange: 0.45,
  ipft: 0.02,
  sebi: 0.02,
  stampDuty: 2.27,
  gst: 0.09,
  dp: 0,
  squareOff: 0,
  total: 17.85,
};
const note = {
  date: "2026-12-04",
  ratesEffective: "2024-10-01",
  trades: [
    {
      tradeId: "T1",
      orderId: "O1",
      time: "2026-12-04T04:00:00.000Z",
      symbol: "INFY",
      side: "BUY",
      product: "CNC",
      exchange: "NSE",
      quantity: 10,
      price: 1512.35,
      value: 15123.5,
      charges,
    },
  ],
  totals: charges,
  buyValue: 15123.5,
  sellValue: 0,
  net: -15141.35,
};

describe("contract note", () => {
  it("lists the day's trades with their charges, each charge's total and the net payable", async () => {
    renderWithApi(<ContractNote />, { "contractNotes.get": () => note });
    expect(await screen.findByRole("row", { name: /INFY/ })).toBeTruthy();
    expect(screen.getByRole("row", { name: /INFY/ }).textContent).toContain("₹17.85");
    expect(screen.getByRole("row", { name: /^STT/ }).textContent).toContain("₹15.00");
    expect(screen.getByRole("row", { name: /Net payable/ }).textContent).toContain("₹15,141.35");
    expect(screen.getByRole("button", { name: "Download CSV" }).hasAttribute("disabled")).toBe(false);
  });

  it("says so on a day without trades", async () => {
    renderWithApi(<ContractNote />, { "contractNotes.get": () => ({ ...note, trades: [], totals: null, buyValue: 0, net: 0 }) });
    expect(await screen.findByText("No trades on 2026-12-04.")).toBeTruthy();
  });
});
