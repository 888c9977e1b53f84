// The helper that starts a server for tests and benchmarks: a server that does not start in time is
// not left running behind the caller (a bench that gave up used to leave its processes behind).
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { spawnServer } from "../dist/spawn.js";

/** Processes on this machine whose environment holds `marker` (Linux's /proc). */
function processesMarked(marker: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, "latin1").includes(marker);
      } catch {
        return false; // gone meanwhile, or not ours to read
      }
    })
    .map(Number);
}

describe("spawnServer", () => {
  it("stops a server that did not start in time", async () => {
    const marker = `TRADING_SPAWN_TEST=${process.pid}-${Date.now()}`;
    const [name, value] = marker.split("=") as [string, string];
    await expect(spawnServer({ args: [], env: { [name]: value }, timeoutMs: 1 })).rejects.toThrow("did not start in time");
    for (let i = 0; i < 50 && processesMarked(marker).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(processesMarked(marker)).toEqual([]);
  });
});
