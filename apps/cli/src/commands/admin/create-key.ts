// `trade admin create-key`: another API key for a user.
import type { Command } from "commander";
import type { Io } from "../../io.js";
import { define, show, withClient } from "../shared.js";

export function createKeyCommand(io: Io): Command {
  return define("create-key", "make another API key for a user", ["trade admin create-key carol --label laptop"])
    .argument("<userId>")
    .option("--label <label>", "what the key is for", "api key")
    .action(async (userId: string, options: { label: string }, command: Command) => {
      const key = await withClient(io, (c) => c.admin.createKey.mutate({ userId, label: options.label }));
      show(io, command, key, () => `Key ${key.keyId} for ${userId} (shown once): ${key.apiKey}`);
    });
}
