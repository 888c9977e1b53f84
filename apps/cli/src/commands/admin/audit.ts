// `trade admin audit`: recent admin actions, newest first.
import type { Command } from "commander";
import { dateTime } from "../../clock.js";
import type { Io } from "../../io.js";
import { table } from "../../output.js";
import { count, define, show, withClient } from "../shared.js";

export function auditCommand(io: Io): Command {
  return define("audit", "recent admin actions", ["trade admin audit --limit 20"])
    .option("--limit <n>", "how many (at most 1,000)", count(1_000), 50)
    .action(async (options: { limit: number }, command: Command) => {
      const entries = await withClient(io, (c) => c.admin.auditLog.query({ limit: options.limit }));
      show(io, command, entries, () =>
        table(
          ["TIME (IST)", "ACTOR", "ACTION", "DETAIL"],
          entries.map((e) => [dateTime(e.time), e.actor, e.action, JSON.stringify(e.detail)]),
        ),
      );
    });
}
