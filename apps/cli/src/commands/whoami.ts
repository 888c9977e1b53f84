// `trade whoami`: who the API key belongs to.
import type { Command } from "commander";
import type { Io } from "../io.js";
import { bold } from "../output.js";
import { define, show, withClient } from "./shared.js";

export function whoamiCommand(io: Io): Command {
  return define("whoami", "show who the API key belongs to", ["trade whoami", "trade whoami --json"]).action(
    async (_o: unknown, command: Command) => {
      const me = await withClient(io, (c) => c.auth.whoami.query());
      show(io, command, me, () => `${bold(me.userId)} (${me.displayName})${me.isAdmin ? " admin" : ""} at ${io.settings().url}`);
    },
  );
}
