// @vitest-environment jsdom
import { cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { instrument } from "../testing/fixtures.js";
import { Watchlist } from "./Watchlist.js";

afterEach(cleanup);

const LIST = [instrument("INFY", 1500, 1490), instrument("ITC", 408.75, 410), instrument("TCS", 4000, 4000)];

function Harness() {
  const [selected, setSelected] = useState("INFY");
  return (
    <>
      <Watchlist
        instruments={LIST}
        loading={false}
        error={null}
        selected={selected}
        onSelect={setSelected}
        flash={{}}
        onFlashEnd={() => undefined}
      />
      <output>{selected}</output>
    </>
  );
}

describe("watchlist", () => {
  it("shows price and signed change of each instrument", () => {
    render(<Harness />);
    const itc = screen.getByRole("button", { name: /ITC/ });
    expect(itc.textContent).toBe("ITC₹408.75−0.30%");
    expect(screen.getByRole("button", { name: /INFY/ }).textContent).toBe("INFY₹1,500.00+0.67%");
  });

  it("moves the selection with the arrow keys, one tab stop for the whole list", async () => {
    const user = userEvent.setup();
    render(<Harness />);
    const tabbable = screen.getAllByRole("button").filter((b) => b.tabIndex === 0);
    expect(tabbable.map((b) => b.dataset.symbol)).toEqual(["INFY"]);
    tabbable[0]?.focus();
    await user.keyboard("{ArrowDown}{ArrowDown}");
    expect(screen.getByRole("status").textContent).toBe("TCS");
    expect((document.activeElement as HTMLElement).dataset.symbol).toBe("TCS");
    await user.keyboard("{Home}");
    expect(screen.getByRole("status").textContent).toBe("INFY");
  });

  it("searches by symbol or name; Enter picks the first match, Escape clears", async () => {
    const user = userEvent.setup();
    render(<Harness />);
    await user.type(screen.getByLabelText("Search instruments"), "tc");
    expect(screen.getAllByRole("button").map((b) => b.dataset.symbol)).toEqual(["ITC", "TCS"]);
    await user.keyboard("{Enter}");
    expect(screen.getByRole("status").textContent).toBe("ITC");
    await user.type(screen.getByLabelText("Search instruments"), "zzz");
    expect(screen.getByText(/No instrument matches/)).toBeTruthy();
    await user.keyboard("{Escape}");
    expect(screen.getAllByRole("button")).toHaveLength(3);
  });

  it("has loading and error states", () => {
    render(
      <Watchlist
        instruments={undefined}
        loading
        error={null}
        selected="INFY"
        onSelect={() => undefined}
        flash={{}}
        onFlashEnd={() => undefined}
      />,
    );
    expect(screen.getByText("Loading instruments…")).toBeTruthy();
    cleanup();
    render(
      <Watchlist
        instruments={undefined}
        loading={false}
        error="server down"
        selected="INFY"
        onSelect={() => undefined}
        flash={{}}
        onFlashEnd={() => undefined}
      />,
    );
    expect(screen.getByRole("alert").textContent).toContain("server down");
  });
});
