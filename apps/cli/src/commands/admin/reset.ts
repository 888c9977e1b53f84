// `trade admin reset`: a fresh start for a user's account.
import type { Command } from "commander";
import type { Io } from "../../io.js";
import { rupees } from "../../output.js";
import { define, price, show, withClient } from "../shared.js";

export function resetCommand(io: Io): Command {
  return define("reset", "cancel a user's open orders, clear holdings, set fresh cash", ["trade admin reset carol --cash 1000000"])
    .argument("<userId>")
    .option("--cash <rupees>", "new cash", price("--cash"))
    .action(async (userId: string, options: { cash?: number }, command: Command) => {
      const result = await withClient(io, (c) => c.admin.resetAccount.mutate({ userId, cash: options.cash }));
      show(io, command, result, () => `Reset ${userId} with ${rupees(result.cash)}`);
    });
}
