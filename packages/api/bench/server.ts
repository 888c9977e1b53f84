// What the API benchmarks share: helper processes, a bench server (durable SQLite, rate limits out
// of the way) with its users, and the order they place.
import { spawn, type ChildProcess } from "node:child_process";
import { SEED_INSTRUMENTS } from "@trading/engine";
import { spawnServer, type ServerProcess } from "../dist/spawn.js";

/** Starts a helper process and waits for a line matching `pattern` on its stdout. */
export function spawnAndWait(args: string[], pattern: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let buffer = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = pattern.exec(buffer);
      if (match !== null) {
        child.stdout?.removeAllListeners("data");
        child.stdout?.resume();
        resolve({ child, match });
      }
    });
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}: ${buffer.slice(-500)}`)));
  });
}

export async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

export function startServer(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  // BENCH_PROFILE_DIR=/tmp/x writes a CPU profile of the server there.
  const profile = process.env.BENCH_PROFILE_DIR === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_PROFILE_DIR];
  return spawnServer({
    nodeArgs: profile,
    args: ["--data-dir", dataDir],
    env: { FEED_TICKS_PER_SECOND: "0", RATE_LIMIT_PER_SECOND: "1000000", RATE_LIMIT_BURST: "1000000", ...env },
    timeoutMs: 300_000,
  });
}

export async function makeUsers(url: string, count: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${url}/trpc/admin.createUser`, {
      method: "POST",
      headers: { "x-api-key": "admin-key", "content-type": "application/json" },
      body: JSON.stringify({ userId: `bench-${i}-${Date.now()}`, displayName: `Bench ${i}`, cash: 1_00_00_000 }),
    });
    const body = (await response.json()) as { result: { data: { apiKey: string } } };
    keys.push(body.result.data.apiKey);
  }
  return keys;
}

/** Resting BUY limits under the market: the full placement path, journaled, no fills. */
export const orderInput = (n: number) => {
  const seed = SEED_INSTRUMENTS[n % SEED_INSTRUMENTS.length];
  if (seed === undefined) throw new Error("no seeded instruments");
  // Whole rupees 8 to 10 % under the listing price: inside the day's 20 % band, on every tick size.
  return { symbol: seed.symbol, side: "BUY", type: "LIMIT", quantity: 1, price: Math.floor((seed.price * (0.9 - (n % 3) / 100)) / 100) };
};
