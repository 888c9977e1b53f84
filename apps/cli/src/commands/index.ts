// Every `trade` command, one file each (the admin commands in admin/), in the order `trade --help`
// lists them.
import type { Command } from "commander";
import type { Io } from "../io.js";
import { adminCommand } from "./admin/index.js";
import { cancelCommand } from "./cancel.js";
import { candlesCommand } from "./candles.js";
import { fundsCommand } from "./funds.js";
import { marketCommand } from "./market.js";
import { instrumentsCommand } from "./instruments.js";
import { loginCommand } from "./login.js";
import { logoutCommand } from "./logout.js";
import { modifyCommand } from "./modify.js";
import { orderCommand } from "./order.js";
import { ordersCommand } from "./orders.js";
import { placeCommand } from "./place.js";
import { portfolioCommand } from "./portfolio.js";
import { positionsCommand } from "./positions.js";
import { convertCommand } from "./convert.js";
import { quoteCommand } from "./quote.js";
import { chargesCommand } from "./charges.js";
import { contractNoteCommand } from "./contract-note.js";
import { tradesCommand } from "./trades.js";
import { watchCommand } from "./watch.js";
import { whoamiCommand } from "./whoami.js";

export function registerCommands(program: Command, io: Io): void {
  for (const command of [
    loginCommand(io),
    logoutCommand(io),
    whoamiCommand(io),
    instrumentsCommand(io),
    quoteCommand(io),
    candlesCommand(io),
    placeCommand(io, "BUY"),
    placeCommand(io, "SELL"),
    ordersCommand(io),
    orderCommand(io),
    modifyCommand(io),
    cancelCommand(io),
    tradesCommand(io),
    portfolioCommand(io),
    positionsCommand(io),
    convertCommand(io),
    fundsCommand(io),
    chargesCommand(io),
    contractNoteCommand(io),
    marketCommand(io),
    watchCommand(io),
    adminCommand(io),
  ])
    program.addCommand(command);
  inheritSettings(program);
}

/** Subcommands made on their own take their parent's settings (exit override, help after errors). */
function inheritSettings(parent: Command): void {
  for (const command of parent.commands) {
    command.copyInheritedSettings(parent);
    inheritSettings(command);
  }
}
