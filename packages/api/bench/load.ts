// Closed-loop load generators: each of N concurrent clients sends the next request as soon as
// its previous answer arrives. Latency is measured per request on the client side.
import http from "node:http";
import WebSocket from "ws";

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

function summarize(latencies: number[], errors: number, seconds: number): LoadResult {
  const sorted = Float64Array.from(latencies).sort();
  const at = (q: number) => (sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number));
  return {
    requests: latencies.length,
    errors,
    seconds: Math.round(seconds * 100) / 100,
    perSecond: Math.round(latencies.length / seconds),
    p50Ms: Math.round(at(0.5) * 100) / 100,
    p99Ms: Math.round(at(0.99) * 100) / 100,
    maxMs: Math.round(at(1) * 100) / 100,
  };
}

/** HTTP POST (or GET when body is null) in a closed loop over keep-alive connections. */
export async function httpLoad(options: {
  url: string;
  concurrency: number;
  seconds: number;
  /** The same for every client, or each client's own (client 0 to concurrency - 1). */
  headers?: Record<string, string> | ((client: number) => Record<string, string>);
  body: (n: number) => string | null;
  ok?: (status: number, body: string) => boolean;
}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const deadline = performance.now() + options.seconds * 1000;
  const started = performance.now();
  const headersOf = (client: number) => (typeof options.headers === "function" ? options.headers(client) : options.headers);
  const one = (client: number) =>
    new Promise<void>((resolve) => {
      const body = options.body(n++);
      const t0 = performance.now();
      const req = http.request(
        options.url,
        { method: body === null ? "GET" : "POST", agent, headers: { "content-type": "application/json", ...headersOf(client) } },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () => {
            if (options.ok === undefined ? res.statusCode === 200 : options.ok(res.statusCode ?? 0, text))
              latencies.push(performance.now() - t0);
            else errors++;
            resolve();
          });
        },
      );
      req.on("error", () => {
        errors++;
        resolve();
      });
      req.end(body ?? undefined);
    });
  await Promise.all(
    Array.from({ length: options.concurrency }, async (_, client) => {
      while (performance.now() < deadline) await one(client);
    }),
  );
  agent.destroy();
  return summarize(latencies, errors, (performance.now() - started) / 1000);
}

/** WebSocket request/response in a closed loop: one socket per client, one message in flight each. */
export async function wsLoad(options: {
  url: string;
  concurrency: number;
  seconds: number;
  /** Sent once after connecting (e.g. tRPC connectionParams), per socket index. */
  hello?: (index: number) => string;
  message: (n: number, id: number) => string;
  isAnswer: (data: string) => { ok: boolean } | null;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const sockets = await Promise.all(
    Array.from(
      { length: options.concurrency },
      (_, index) =>
        new Promise<WebSocket>((resolve, reject) => {
          const socket = new WebSocket(options.url);
          socket.once("open", () => {
            if (options.hello !== undefined) socket.send(options.hello(index));
            resolve(socket);
          });
          socket.once("error", reject);
        }),
    ),
  );
  const deadline = performance.now() + options.seconds * 1000;
  const started = performance.now();
  await Promise.all(
    sockets.map(
      (socket, index) =>
        new Promise<void>((resolve) => {
          let t0 = 0;
          let id = index * 1_000_000;
          const send = () => {
            if (performance.now() >= deadline) return resolve();
            t0 = performance.now();
            id++;
            socket.send(options.message(n++, id));
          };
          socket.on("message", (data: Buffer) => {
            const answer = options.isAnswer(data.toString());
            if (answer === null) return;
            if (answer.ok) latencies.push(performance.now() - t0);
            else errors++;
            send();
          });
          socket.once("close", () => resolve());
          send();
        }),
    ),
  );
  for (const socket of sockets) socket.terminate();
  return summarize(latencies, errors, (performance.now() - started) / 1000);
}
