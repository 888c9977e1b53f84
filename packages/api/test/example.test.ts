// The README's typed-client example, run as written against a real server.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.stop();
});

it("runs the quickstart example: quote, live update, fill", async () => {
  const example = fileURLToPath(new URL("../examples/quickstart.ts", import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", example], {
    env: { ...process.env, TRADE_API_URL: t.server.url, TRADE_API_KEY: "bob-key" },
    cwd: fileURLToPath(new URL("..", import.meta.url)),
  });
  expect(stdout).toMatch(/INFY last traded at ₹\d+/);
  expect(stdout).toMatch(/order O\d+ EXECUTED at ₹\d+/);
  expect(stdout).toMatch(/update: (accepted|filled) O\d+/);
  expect(stdout).toMatch(/available cash ₹\d+/);
}, 30_000);
