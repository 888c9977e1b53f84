// The README and docs/ stand alone, and their snippets do what they say when pasted.
import { execFile } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const here = fileURLToPath(new URL("..", import.meta.url));
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const DOCS = ["README.md", "docs/architecture.md", "docs/product.md", "docs/api.md", "docs/operations.md"];

/** The fenced code blocks of a markdown text in a language, in order. */
function blocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(new RegExp("^```" + language + "\\n([\\s\\S]*?)^```", "gm"))].map((m) => m[1] as string);
}

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.stop();
});

describe("the documentation", () => {
  it("stands alone: it links nothing outside the repository, and every file it links is there", () => {
    for (const file of DOCS) {
      const text = read(file);
      expect({ file, outside: text.includes("../shared") }).toEqual({ file, outside: false });
      for (const [, target] of text.matchAll(/\]\(((?!https?:|#)[^)#]+)/g)) {
        const resolved = path.join(root, path.dirname(file), target as string);
        expect({ file, target, exists: existsSync(resolved) }).toEqual({ file, target, exists: true });
      }
    }
  });

  it("shows the typed client as the example the tests run", () => {
    const quickstart = readFileSync(path.join(here, "examples/quickstart.ts"), "utf8").trim();
    expect(blocks(read("README.md"), "ts").map((b) => b.trim())).toContain(quickstart);
  });

  it("runs the README's engine example, which prints what it says", async () => {
    const [example] = blocks(read("README.md"), "ts").filter((b) => b.includes('from "@trading/engine"'));
    const file = path.join(here, `try-engine-${process.pid}.ts`);
    writeFileSync(file, example as string);
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", file], { cwd: here });
      expect(stdout).toBe("PLACED\nEXECUTED\n");
    } finally {
      rmSync(file, { force: true });
    }
  });

  it("runs the API guide's curl session against a server: every request succeeds, the order is cancelled, the short's cover blocks nothing", async () => {
    const [session] = blocks(read("docs/api.md"), "sh");
    const script = (session as string).replaceAll("http://127.0.0.1:3000", t.server.url);
    const { stdout } = await promisify(execFile)("sh", ["-e", "-c", script]);
    expect(stdout).toContain('"symbol":"INFY"');
    expect(stdout).toMatch(/"state":"CANCELLED"/);
    expect(stdout).toMatch(/"product":"MIS","quantity":-2/);
    expect(stdout).toMatch(/"orders":\[\{"symbol":"TCS","side":"BUY","product":"MIS","quantity":2,.*"blocked":0,/);
    expect(stdout).toContain('"available"');
  });
});
