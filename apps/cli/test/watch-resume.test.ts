// `trade watch` keeps going across a server restart: the client reconnects on its own and resumes
// from the last event it saw, so the fill that happens after the restart still arrives.
import { spawn, type ChildProcess } from "node:child_process";
import { spawnServer, type ServerProcess } from "@trading/api/spawn";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), "trade-watch-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

async function startServer(port: number): Promise<ServerProcess> {
  const server = await spawnServer({
    args: ["--port", String(port), "--data-dir", work, "--feed-ticks-per-second", "0", "--history-days", "0"],
  });
  children.push(server.child);
  return server;
}

function run(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env } });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.once("close", () => resolve(out));
  });
}

it("resumes after the server restarts", async () => {
  const first = await startServer(0);
  const port = Number(new URL(first.url).port);
  const env = { TRADE_API_URL: first.url, TRADE_API_KEY: "bob-key", NO_COLOR: "1" };
  const watcher = spawn(process.execPath, [bin, "watch", "--no-ticks", "--json"], { env: { ...process.env, ...env } });
  children.push(watcher);
  let out = "";
  watcher.stdout.on("data", (c: Buffer) => (out += c.toString()));
  await new Promise((r) => setTimeout(r, 800));
  const before = JSON.parse(await run(["buy", "SBIN", "1", "--json"], env)) as { orderId: string };
  const deadline = () => Date.now() + 10_000;
  let until = deadline();
  while (!out.includes(before.orderId)) {
    if (Date.now() > until) throw new Error(`first fill not seen: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }

  first.child.kill("SIGKILL");
  await first.exited;
  await startServer(port);
  const after = JSON.parse(await run(["buy", "SBIN", "2", "--json"], env)) as { orderId: string };
  until = deadline();
  while (!(
    out.includes(`"orderId":"${after.orderId}"`) && out.split("\n").some((l) => l.includes(after.orderId) && l.includes('"type":"filled"'))
  )) {
    if (Date.now() > until) throw new Error(`fill after the restart not seen: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const lines = out
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { seq: number; type: string });
  const seqs = lines.map((l) => l.seq);
  expect(new Set(seqs).size).toBe(seqs.length); // none twice
  const closed = new Promise<number | null>((r) => watcher.once("close", r));
  watcher.kill("SIGINT");
  expect(await closed).toBe(0);
}, 40_000);
