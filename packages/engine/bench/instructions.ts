// Instructions per command of the mixed stream, counted by valgrind. Time on a shared machine
// drifts by 20-40 % within minutes; this count moves by about 0.3 % from run to run whatever else
// the machine is doing, so two versions of the engine can be compared closely. Run with
// `pnpm --filter @trading/engine bench:instructions` (needs valgrind; about a minute on two cores). The
// mixed bench is bundled into one JavaScript file first (no TypeScript loader thread at run time,
// whose timing under valgrind moved the count by a few per cent), then runs twice under valgrind,
// with SMALL and LARGE commands, and the figure is the difference in instructions divided by the
// difference in commands, so start-up, compiling the bench and setting up the market cancel out. It
// counts the whole process: the collector and the JIT compiler included, and the harness building
// the stream (about 350 a command). V8 runs in its predictable mode (one thread, a
// garbage-collection schedule that does not depend on time), which collects more often than a
// normal run, so the figure is higher than a normal run would execute.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";

const run = promisify(execFile);
const SMALL = Number(process.env.SMALL ?? 200_000);
const LARGE = Number(process.env.LARGE ?? 600_000);
const benchDir = fileURLToPath(new URL(".", import.meta.url));

/** The mixed bench as one ES module, written to a fresh directory. */
async function bundle(dir: string): Promise<string> {
  const outfile = join(dir, "run.mjs");
  await build({ entryPoints: [join(benchDir, "run.ts")], bundle: true, platform: "node", format: "esm", outfile, logLevel: "warning" });
  return outfile;
}

async function instructions(script: string, commands: number): Promise<number> {
  const { stderr } = await run(
    "valgrind",
    [
      "--tool=cachegrind",
      "--cache-sim=no",
      "--cachegrind-out-file=/dev/null",
      process.execPath,
      "--expose-gc",
      "--predictable",
      "--predictable-gc-schedule",
      "--hash-seed=1",
      "--random-seed=1",
      script,
      "mixed",
    ],
    { cwd: benchDir, env: { ...process.env, BENCH_RUNS: "1", BENCH_COMMANDS: String(commands), BENCH_CALIBRATE: "0" }, maxBuffer: 1 << 24 },
  );
  const count = /I\s+refs:\s+([\d,]+)/.exec(stderr)?.[1];
  if (count === undefined) throw new Error(`no instruction count in valgrind's output:\n${stderr.slice(-2000)}`);
  return Number(count.replaceAll(",", ""));
}

const dir = await mkdtemp(join(tmpdir(), "engine-bench-"));
try {
  const script = await bundle(dir);
  const [small, large] = await Promise.all([instructions(script, SMALL), instructions(script, LARGE)]);
  console.log(
    JSON.stringify({
      name: "mixed-instructions",
      instructions_per_command: Math.round((large - small) / (LARGE - SMALL)),
      commands: [SMALL, LARGE],
      instructions: [small, large],
    }),
  );
} catch (error) {
  if ((error as { code?: unknown }).code === "ENOENT") console.error("valgrind is not installed (Debian: apt-get install -y valgrind)");
  else console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await rm(dir, { recursive: true, force: true });
}
