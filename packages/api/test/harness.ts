// Starts a real server on a fresh data directory for a test, with the feed off so prices move
// only when a test says so, and typed clients for the demo users.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { TRPCClientError } from "@trpc/client";
import { createTradingClient, type TradingClient } from "../src/client.js";
import { loadConfig, type Config } from "../src/config.js";
import { createLogger } from "../src/log.js";
import { startServer, type RunningServer } from "../src/server.js";
import type { AppRouter } from "../src/root.js";
import type { Storage } from "../src/storage/storage.js";

export interface TestServer {
  server: RunningServer;
  dataDir: string;
  config: Config;
  client(apiKey: string): TradingClient;
  /** Closes the clients and the server; removes the data directory unless kept for a restart. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export async function startTestServer(
  overrides: Partial<Record<keyof Config, unknown>> = {},
  options: { dataDir?: string; storage?: Storage } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), "trading-test-"));
  const config = loadConfig(
    [],
    {},
    { port: 0, dataDir, logLevel: "silent", feedTicksPerSecond: 0, historyDays: 0, charges: "none", ...overrides },
  );
  const server = await startServer(config, createLogger("silent"), { storage: options.storage });
  const clients: TradingClient[] = [];
  return {
    server,
    dataDir,
    config,
    client(apiKey: string) {
      const client = createTradingClient({ url: server.url, apiKey });
      clients.push(client);
      return client;
    },
    async stop({ keepData = false } = {}) {
      for (const client of clients) client.close();
      await server.close();
      if (!keepData && options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Collects a subscription's data until `count` items arrived (or times out). */
export function collect<T>(
  subscribe: (handlers: { onData: (value: T) => void; onError: (error: unknown) => void }) => { unsubscribe: () => void },
  count: number,
  timeoutMs = 5_000,
): Promise<{ items: T[]; unsubscribe: () => void }> {
  return new Promise((resolve, reject) => {
    const items: T[] = [];
    const timer = setTimeout(() => reject(new Error(`timed out with ${items.length} of ${count} items`)), timeoutMs);
    const sub = subscribe({
      onData: (value) => {
        items.push(value);
        if (items.length === count) {
          clearTimeout(timer);
          resolve({ items, unsubscribe: sub.unsubscribe });
        }
      },
      onError: (error) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    });
  });
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What a failed call answered: its message and the error's data (code, reason, orderId...). */
export async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError)
      return (error as TRPCClientError<AppRouter>).data
        ? { message: error.message, ...(error as TRPCClientError<AppRouter>).data }
        : { message: error.message };
    throw error;
  }
  throw new Error("expected a rejection");
}
