#!/usr/bin/env node
// Starts the server: `node dist/main.js [--port 3000] [--data-dir ./data] ...` (see config.ts), or,
// with ROLE=gateway, ROLE=engine or ROLE=feed, a process of a cluster (see roles/).
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./log.js";
import { startEngine } from "./roles/engine.js";
import { startFeed } from "./roles/feed.js";
import { startGateway } from "./roles/gateway.js";
import { startServer } from "./server.js";
import { DatabaseInUseError } from "./storage/lock.js";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`trading server: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  const start = { all: startServer, gateway: startGateway, engine: startEngine, feed: startFeed }[config.role];
  const server = await start(config, log);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal });
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error("shutdown failed", { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  if (error instanceof DatabaseInUseError) {
    console.error(`trading server: ${error.message}`);
    process.exit(1);
  }
  console.error(JSON.stringify({ time: new Date().toISOString(), level: "error", msg: "server failed to start", error: String(error) }));
  process.exit(1);
});
