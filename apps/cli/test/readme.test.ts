// The README's `trade` session, pasted into a shell as written (with this test's server's URL).
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { spawnServer, type ServerProcess } from "@trading/api/spawn";
import { afterAll, beforeAll, expect, it } from "vitest";

const readme = readFileSync(fileURLToPath(new URL("../../../README.md", import.meta.url)), "utf8");
const work = mkdtempSync(path.join(tmpdir(), "trade-readme-"));
let server: ServerProcess;

beforeAll(async () => {
  server = await spawnServer({ args: ["--data-dir", path.join(work, "data"), "--feed-ticks-per-second", "0", "--history-days", "0"] });
}, 30_000);
afterAll(async () => {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

it("runs the README's trade session: every command succeeds", async () => {
  const session = [...readme.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((m) => m[1] as string).find((b) => b.startsWith("trade login"));
  expect(session).toBeDefined();
  // `trade` on the PATH, as the README's link step puts it there.
  const bin = path.join(work, "bin");
  mkdirSync(bin);
  symlinkSync(fileURLToPath(new URL("../dist/main.js", import.meta.url)), path.join(bin, "trade"));
  const script = (session as string).replaceAll("http://127.0.0.1:3000", server.url);
  const { stdout } = await promisify(execFile)("sh", ["-e", "-c", script], {
    env: {
      ...process.env,
      PATH: `${bin}:${process.env.PATH ?? ""}`,
      TRADE_CONFIG: path.join(work, "trade.json"),
      TRADE_API_URL: "",
      TRADE_API_KEY: "",
      NO_COLOR: "1",
    },
  });
  expect(stdout).toContain("Logged in as demo-user");
  expect(stdout).toMatch(/BUY 10 INFY LIMIT @ ₹1,401\.00: O\d+ PLACED/);
  expect(stdout).toMatch(/O\d+ CANCELLED/);
  expect(stdout).toContain("INFY now ₹1,499.90");
  expect(stdout).toMatch(/SELL 2 TCS MIS MARKET: O\d+ EXECUTED/);
  expect(stdout).toContain("converted 4 INFY from MIS to CNC");
}, 60_000);
