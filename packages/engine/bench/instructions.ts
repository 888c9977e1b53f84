// Instructions per command of the mixed stream, counted by valgrind. Time on a shared machine
// drifts by 20-40 % within minutes; this count moves by about 1 % from run to run whatever else the
// machine is doing, so two versions of the engine can be compared closely. Run with
// `pnpm --filter @trading/engine bench:instructions` (needs valgrind; under a minute). The mixed
// bench runs twice under valgrind, with SMALL and LARGE commands, and the figure is the difference
// in instructions divided by the difference in commands, so start-up, compiling the bench and
// setting up the market cancel out. It counts the whole process: the collector and the JIT compiler
// included, and the harness building the stream (about 350 a command). V8 runs in its predictable
// mode (one thread, a garbage-collection schedule that does not depend on time), which collects
// more often than a normal run, so the figure is higher than a normal run would execute.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const SMALL = Number(process.env.SMALL ?? 200_000);
const LARGE = Number(process.env.LARGE ?? 600_000);
const benchDir = fileURLToPath(new URL(".", import.meta.url));

async function instructions(commands: number): Promise<number> {
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
      "--import",
      "tsx",
      "run.ts",
      "mixed",
    ],
    { cwd: benchDir, env: { ...process.env, BENCH_RUNS: "1", BENCH_COMMANDS: String(commands), BENCH_CALIBRATE: "0" }, maxBuffer: 1 << 24 },
  );
  const count = /I\s+refs:\s+([\d,]+)/.exec(stderr)?.[1];
  if (count === undefined) throw new Error(`no instruction count in valgrind's output:\n${stderr.slice(-2000)}`);
  return Number(count.replaceAll(",", ""));
}

try {
  const [small, large] = await Promise.all([instructions(SMALL), instructions(LARGE)]);
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
}
