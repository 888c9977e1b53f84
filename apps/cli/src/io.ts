// What a command may touch outside itself, handed to it rather than reached for: where its output
// goes, how it gets a client for the server, how it asks the user, how it hears Ctrl-C. The binary
// passes the process's own; unit tests pass their own and read what was written.
import { createInterface } from "node:readline/promises";
import type { TradingClient } from "@trading/api/client";
import { currentSettings, type Settings } from "./settings.js";

export interface Io {
  /** Where results are written (standard output). */
  out: { write(text: string): unknown };
  /** The URL and key from the environment or the saved settings. */
  settings(): Partial<Settings> & { url: string; problem?: string };
  /** A client for a server. */
  client(url: string, apiKey: string): Promise<TradingClient>;
  /** Asks the user a question on the terminal; null when there is no terminal to ask on. */
  ask(question: string): Promise<string | null>;
  /** Calls `stop` once on Ctrl-C or SIGTERM. */
  onInterrupt(stop: () => void): void;
}

export function processIo(): Io {
  return {
    out: process.stdout,
    settings: currentSettings,
    client: async (url, apiKey) => {
      // Loaded only by commands that talk to the server, so `trade --help` starts fast.
      const { createTradingClient } = await import("@trading/api/client");
      return createTradingClient({ url, apiKey });
    },
    ask: async (question) => {
      if (process.stdin.isTTY !== true) return null;
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
    onInterrupt: (stop) => {
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    },
  };
}
