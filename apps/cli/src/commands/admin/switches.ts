// `trade admin pause-feed | resume-feed | open-session | close-session`: the feed and the session
// switched on or off, each a command without arguments.
import type { TradingClient } from "@trading/api/client";
import type { Command } from "commander";
import type { Io } from "../../io.js";
import { define, show, withClient } from "../shared.js";

const SWITCHES: ReadonlyArray<{ name: string; description: string; run: (c: TradingClient) => Promise<unknown> }> = [
  { name: "pause-feed", description: "stop the price feed", run: (c) => c.admin.pauseFeed.mutate() },
  { name: "resume-feed", description: "restart the price feed", run: (c) => c.admin.resumeFeed.mutate() },
  { name: "open-session", description: "open the market", run: (c) => c.admin.openSession.mutate() },
  { name: "close-session", description: "close the market (open DAY orders expire)", run: (c) => c.admin.closeSession.mutate() },
];

export function switchCommands(io: Io): Command[] {
  return SWITCHES.map(({ name, description, run }) =>
    define(name, description, [`trade admin ${name}`]).action(async (_o: unknown, command: Command) => {
      const result = await withClient(io, run);
      show(io, command, result, () => `${description}: done`);
    }),
  );
}
