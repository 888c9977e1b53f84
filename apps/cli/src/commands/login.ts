// `trade login`: checks an API key against the server and saves it, with the URL, for later commands.
import type { Command } from "commander";
import { usageError } from "../errors.js";
import type { Io } from "../io.js";
import { bold } from "../output.js";
import { save } from "../settings.js";
import { define, show } from "./shared.js";

export function loginCommand(io: Io): Command {
  return define("login", "check an API key against the server and save it (with the URL) for later commands", [
    "trade login --key demo-key",
    "trade login --url http://127.0.0.1:3000 --key alice-key",
  ])
    .option("--url <url>", "server URL", io.settings().url)
    .option("--key <apiKey>", "API key (asked for when not given)")
    .action(async (options: { url: string; key?: string }, command: Command) => {
      const key = (options.key ?? (await io.ask("API key: ")))?.trim();
      if (key === undefined) throw usageError("give the key with --key (no terminal to ask on)");
      if (key === "") throw usageError("the API key is empty");
      const client = await io.client(options.url, key);
      try {
        const me = await client.auth.whoami.query();
        const file = save({ url: options.url, apiKey: key });
        show(
          io,
          command,
          { ...me, url: options.url, configFile: file },
          () => `Logged in as ${bold(me.userId)} (${me.displayName}) at ${options.url}; saved to ${file}`,
        );
      } finally {
        client.close();
      }
    });
}
