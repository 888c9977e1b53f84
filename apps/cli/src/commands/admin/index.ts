// `trade admin ...`: administration, for admin API keys.
import { Command } from "commander";
import type { Io } from "../../io.js";
import { addInstrumentCommand } from "./add-instrument.js";
import { auditCommand } from "./audit.js";
import { createKeyCommand } from "./create-key.js";
import { createUserCommand } from "./create-user.js";
import { importCandlesCommand } from "./import-candles.js";
import { resetCommand } from "./reset.js";
import { revokeKeyCommand } from "./revoke-key.js";
import { setPriceCommand } from "./set-price.js";
import { switchCommands } from "./switches.js";
import { usersCommand } from "./users.js";

export function adminCommand(io: Io): Command {
  const admin = new Command("admin")
    .description("administration (needs an admin API key)")
    .addHelpText("after", "\nExamples:\n  TRADE_API_KEY=admin-key trade admin users");
  for (const command of [
    usersCommand(io),
    createUserCommand(io),
    createKeyCommand(io),
    revokeKeyCommand(io),
    resetCommand(io),
    addInstrumentCommand(io),
    setPriceCommand(io),
    importCandlesCommand(io),
    ...switchCommands(io),
    auditCommand(io),
  ])
    admin.addCommand(command);
  return admin;
}
