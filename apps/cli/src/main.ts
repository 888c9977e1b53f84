#!/usr/bin/env node
// The `trade` command line: every broker action, scriptable, with `--json` on every command.
// Heavy modules (the API client) load only when a command needs the server, so `trade --version`
// and `trade --help` start fast.
import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { CliError, describeFailure, EXIT, EXIT_CODES_HELP } from "./errors.js";
import { currentSettings } from "./settings.js";

// `trade orders | head` closes the pipe early: that is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(EXIT.ok);
  throw error;
});

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

const program = new Command("trade")
  .version(version)
  .description("Paper trading from the command line: quotes, orders, portfolio and live updates.")
  .addOption(new Option("--json", "print machine-readable JSON and nothing else"))
  .showHelpAfterError("(run `trade --help` for usage)")
  .addHelpText(
    "after",
    `
Examples:
  trade login --url http://127.0.0.1:3000 --key demo-key
  trade quote INFY TCS
  trade buy INFY 10                      # market order
  trade buy INFY 10 --limit 1500.50      # limit order
  trade sell INFY 5 --trigger 1400       # stop-loss market order
  trade orders --open
  trade cancel O123
  trade watch INFY                       # live ticks and your own order updates
  trade portfolio --json | jq '.[0]'

Settings: TRADE_API_URL and TRADE_API_KEY override what \`trade login\` saved.

${EXIT_CODES_HELP}`,
  )
  .exitOverride();

const [{ registerCommands }, { processIo }] = await Promise.all([import("./commands/index.js"), import("./io.js")]);
registerCommands(program, processIo());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version exit with 0; usage mistakes were already explained by commander.
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    const failure = error instanceof CliError ? error : describeFailure(error, currentSettings().url);
    process.stderr.write(`trade: ${failure.message}\n`);
    process.exitCode = failure.exitCode;
  }
}
