// `trade admin users`: every user.
import type { Command } from "commander";
import { dateTime } from "../../clock.js";
import type { Io } from "../../io.js";
import { table } from "../../output.js";
import { define, show, withClient } from "../shared.js";

export function usersCommand(io: Io): Command {
  return define("users", "list users", ["trade admin users"]).action(async (_o: unknown, command: Command) => {
    const users = await withClient(io, (c) => c.admin.users.query());
    show(io, command, users, () =>
      table(
        ["USER", "NAME", "ADMIN", "CREATED (IST)"],
        users.map((u) => [u.userId, u.displayName, u.isAdmin ? "yes" : "", dateTime(u.createdAt)]),
      ),
    );
  });
}
