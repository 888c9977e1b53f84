// What a newcomer sees from the README's start command: no npm warnings about the project's
// settings, and a Ctrl-C that stops the server cleanly and quietly (no pnpm failure report).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));
/** A newcomer's shell: without the npm_* settings that pnpm hands to the scripts it runs (this test among them). */
const shell = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith("npm_")));
const dataDir = mkdtempSync(path.join(tmpdir(), "trading-start-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("the README's start command", () => {
  it("runs npm in the project without warnings about its settings", () => {
    const npm = spawnSync("npm", ["prefix"], { cwd: root, encoding: "utf8", env: shell });
    expect(npm.status).toBe(0);
    expect(npm.stderr).not.toMatch(/npm warn/i);
  });

  it("stops quietly on Ctrl-C: the server shuts down cleanly and pnpm reports no failure", async () => {
    // Its own process group, as a terminal's foreground job is: Ctrl-C signals every process in it.
    const child = spawn("npx", ["-y", "pnpm@10", "start"], {
      cwd: root,
      detached: true,
      env: { ...shell, PORT: "0", DATA_DIR: dataDir, DATABASE_URL: "", FEED_TICKS_PER_SECOND: "0", TURBO_TELEMETRY_DISABLED: "1" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const deadline = Date.now() + 90_000;
    while (!stdout.includes('"msg":"listening"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(stdout).toContain('"msg":"listening"');
    process.kill(-(child.pid as number), "SIGINT");
    await exited;
    expect(stdout).toContain('"msg":"stopped"');
    expect(`${stdout}${stderr}`).not.toMatch(/ERR_PNPM|ELIFECYCLE|Command failed/);
  }, 120_000);
});
