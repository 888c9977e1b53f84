// `trade instruments`: the tradable instruments with their prices.
import type { Command } from "commander";
import type { Io } from "../io.js";
import { percent, rupees, table } from "../output.js";
import { define, RIGHT, show, withClient } from "./shared.js";

export function instrumentsCommand(io: Io): Command {
  return define("instruments", "list the tradable instruments", [
    "trade instruments",
    "trade instruments --json | jq -r '.[].symbol'",
  ]).action(async (_o: unknown, command: Command) => {
    const list = await withClient(io, (c) => c.instruments.list.query());
    show(io, command, list, () =>
      table(
        ["SYMBOL", "NAME", "EXCH", "LTP", "CHG%", "TICK", "LOT"],
        list.map((i) => [
          i.symbol,
          i.name,
          i.exchange,
          rupees(i.lastTradedPrice),
          percent(i.changePercent),
          rupees(i.tickSize),
          String(i.lotSize),
        ]),
        RIGHT(3, 4, 5, 6),
      ),
    );
  });
}
