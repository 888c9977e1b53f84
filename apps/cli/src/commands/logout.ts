// `trade logout`: forgets the saved URL and API key.
import type { Command } from "commander";
import type { Io } from "../io.js";
import { configPath, forget } from "../settings.js";
import { define, show } from "./shared.js";

export function logoutCommand(io: Io): Command {
  return define("logout", "forget the saved URL and API key", ["trade logout"]).action((_o: unknown, command: Command) => {
    const removed = forget();
    show(io, command, { loggedOut: removed, configFile: configPath() }, () =>
      removed ? `Logged out (removed ${configPath()})` : "Not logged in",
    );
  });
}
