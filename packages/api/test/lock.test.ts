// One server per data directory: a second one refuses to start before it changes anything, and
// the claim dies with its holder, so a SIGKILLed server's successor starts at once.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
// The built server (the test runs after the build), started as separate processes.
import { spawnServer, type ServerProcess } from "../dist/spawn.js";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const dataDir = mkdtempSync(path.join(tmpdir(), "trading-lock-"));
const children: ServerProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs a server to its exit, as a second server would be run by mistake. */
function runToExit(args: string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, [MAIN, "--port", "0", ...args], { env: { ...process.env, DATABASE_URL: "", LOG_LEVEL: "info" } });
  let stderr = "";
  let stdout = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  return new Promise((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    }),
  );
}

describe("a data directory", () => {
  it("serves one server at a time: a second refuses to start, naming the holder, and changes nothing", async () => {
    const first = await spawnServer({ args: ["--data-dir", dataDir, "--feed-ticks-per-second", "0", "--history-days", "0"] });
    children.push(first);
    const database = path.join(dataDir, "trading.sqlite");
    const before = statSync(database).mtimeMs;

    const second = await runToExit(["--data-dir", dataDir]);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain("is in use by another server");
    expect(second.stderr).toContain(`process ${first.child.pid}`);
    expect(second.stdout).not.toContain('"msg":"listening"');
    expect(statSync(database).mtimeMs).toBe(before);

    // The first one still serves.
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    await first.stop();
  });

  it("is free again the moment its holder is SIGKILLed", async () => {
    const first = await spawnServer({ args: ["--data-dir", dataDir, "--feed-ticks-per-second", "0", "--history-days", "0"] });
    children.push(first);
    first.child.kill("SIGKILL");
    await first.exited;
    const next = await spawnServer({ args: ["--data-dir", dataDir, "--feed-ticks-per-second", "0", "--history-days", "0"] });
    children.push(next);
    expect((await fetch(`${next.url}/readyz`)).status).toBe(200);
    await next.stop();
  });
});
