// `trade admin create-user`: a user with a trading account and a first API key.
import type { Command } from "commander";
import type { Io } from "../../io.js";
import { bold } from "../../output.js";
import { define, price, show, withClient } from "../shared.js";

export function createUserCommand(io: Io): Command {
  return define("create-user", "create a user with a trading account and a first API key", [
    "trade admin create-user carol --name Carol --cash 500000",
  ])
    .argument("<userId>")
    .requiredOption("--name <displayName>", "display name")
    .option("--cash <rupees>", "starting cash", price("--cash"))
    .option("--admin", "make the user an admin")
    .action(async (userId: string, options: { name: string; cash?: number; admin?: boolean }, command: Command) => {
      const created = await withClient(io, (c) =>
        c.admin.createUser.mutate({ userId, displayName: options.name, cash: options.cash, isAdmin: options.admin === true }),
      );
      show(io, command, created, () => `Created ${bold(created.userId)}; API key (shown once): ${created.apiKey}`);
    });
}
