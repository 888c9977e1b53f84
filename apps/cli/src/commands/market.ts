// `trade market`: the market's phase, trading day, next open and close, and its clock.
import type { Command } from "commander";
import { dateTime } from "../clock.js";
import type { Io } from "../io.js";
import { table } from "../output.js";
import { define, show, withClient } from "./shared.js";

const PHASES = {
  "pre-open": "pre-open (orders collected for the opening)",
  opening: "opening (price being found)",
  open: "open",
  closed: "closed",
};

export function marketCommand(io: Io): Command {
  return define("market", "the market's status: open or closed, trading day, next open and close (IST)", ["trade market"]).action(
    async (_o: unknown, command: Command) => {
      const s = await withClient(io, (c) => c.market.status.query());
      show(io, command, s, () =>
        table(
          ["", ""],
          [
            ["Market", PHASES[s.phase]],
            ["Trading day", s.tradingDay],
            ["Next open (IST)", dateTime(s.nextOpen)],
            ["Next close (IST)", dateTime(s.nextClose)],
            ["Calendar", s.calendar === "nse" ? "NSE (weekends and exchange holidays closed)" : "always open"],
            ["Clock (IST)", `${dateTime(s.now)}${s.simulated ? `, simulated at ${s.speed}x` : ""}`],
          ],
        ),
      );
    },
  );
}
