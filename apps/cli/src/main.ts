#!/usr/bin/env node
// The `trade` command. Issue 4 grows it into the full client; for now it reports its version.
import { readFileSync } from "node:fs";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

const args = process.argv.slice(2);
if (args.includes("--version") || args.includes("-V")) {
  console.log(version);
} else {
  console.log(`trade ${version}: the paper-trading command line\n\nUsage: trade --version`);
  if (args.length > 0 && !args.includes("--help") && !args.includes("-h")) {
    console.error(`trade: unknown command ${args[0]}`);
    process.exitCode = 2;
  }
}
