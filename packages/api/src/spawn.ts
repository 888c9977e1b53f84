// Starts the server as a child process and waits until it listens: for tests and benchmarks that
// need a real separate server (the CLI's, the web app's end-to-end tests, crash tests, benchmarks).
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Settles when the process has exited. */
  exited: Promise<unknown>;
  /** Milliseconds from spawn to listening. */
  startMs: number;
  /** SIGTERM (a graceful stop) and wait for the exit. */
  stop(): Promise<void>;
}

const MAIN = fileURLToPath(new URL("./main.js", import.meta.url));

/** `args` are server flags (e.g. `--data-dir`); `nodeArgs` go to node (e.g. `--cpu-prof`). */
export function spawnServer(options: {
  args: string[];
  /** The port to listen on (default: any free one). */
  port?: number;
  env?: Record<string, string>;
  nodeArgs?: string[];
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), MAIN, "--port", String(options.port ?? 0), ...options.args], {
    stdio: ["ignore", "pipe", "inherit"],
    // The embedded store unless a caller says otherwise; info level, so the listening line is printed.
    env: { ...process.env, DATABASE_URL: "", LOG_LEVEL: "info", ...options.env },
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return new Promise((resolve, reject) => {
    let buffer = "";
    const timer = setTimeout(() => {
      // Not left running: nobody holds its handle once this rejects.
      child.kill("SIGKILL");
      reject(new Error("server did not start in time"));
    }, options.timeoutMs ?? 30_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /"msg":"listening","url":"([^"]+)"/.exec(buffer);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      child.stdout?.removeAllListeners("data");
      child.stdout?.resume();
      resolve({
        child,
        url: match[1],
        exited,
        startMs: performance.now() - started,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          await exited;
        },
      });
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening: ${buffer.slice(-500)}`));
    });
  });
}
