// One process of bench:fanout's clients (see fanout.ts): connects its share of the sockets, each
// subscribed to the ticks of 3 symbols, then measures each tick's latency from its time while told
// to, and answers with what it measured. The clients share the machine's cores with the server,
// so what they do per message is kept small.
import { monitorEventLoopDelay } from "node:perf_hooks";
import WebSocket from "ws";

export interface ClientsJob {
  /** Where socket i connects: wsUrls[i % wsUrls.length]. */
  wsUrls: string[];
  keys: string[];
  symbols: string[];
  /** The sockets of this process: first, first + step, first + 2 × step, ... below count. */
  first: number;
  step: number;
  count: number;
}

/** From the bench to a process: start measuring, stop measuring, or close the sockets and answer. */
export type ClientsCommand = "measure" | "stop" | "report";

export type ClientsMessage =
  | { kind: "connected" }
  | { kind: "failed"; error: string }
  | { kind: "report"; latencies: Float64Array; loopP99Ms: number; loopMaxMs: number };

/** How many sockets one process opens at once, as clients arrive. */
const WAVE = 500;
/** A tick's ISO time as it is framed (`"time":"2026-12-07T03:45:00.000Z"`), found without decoding the message. */
const TIME = Buffer.from('"time":"');
const ISO_LENGTH = 24;

const send = process.send?.bind(process);
if (send === undefined) throw new Error("fanout-clients runs as a child process of fanout.ts");
const job = JSON.parse(process.argv[2] ?? "") as ClientsJob;
const sockets: WebSocket[] = [];
let latencies = new Float64Array(1 << 16);
let measured = 0;
let measuring = false;

/** The latency of a tick from its time; none for the first prices a subscriber gets (volume 0). */
function record(data: Buffer): void {
  const at = data.indexOf(TIME);
  if (at < 0 || data.includes('"volume":0,')) return;
  const start = at + TIME.length;
  if (measured === latencies.length) {
    const grown = new Float64Array(latencies.length * 2);
    grown.set(latencies);
    latencies = grown;
  }
  latencies[measured++] = Date.now() - Date.parse(data.toString("latin1", start, start + ISO_LENGTH));
}

/** How long one socket may take to connect and start its subscription before the bench gives up. */
const OPEN_TIMEOUT_MS = 120_000;

function open(i: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket ${i}: not subscribed after ${OPEN_TIMEOUT_MS / 1000} s`)), OPEN_TIMEOUT_MS);
    const socket = new WebSocket(job.wsUrls[i % job.wsUrls.length] as string, { perMessageDeflate: false });
    sockets.push(socket);
    const symbols = [0, 1, 2].map((j) => job.symbols[(i * 3 + j) % job.symbols.length]);
    socket.once("open", () => {
      socket.send(JSON.stringify({ method: "connectionParams", data: { apiKey: job.keys[i % job.keys.length] } }));
      socket.send(JSON.stringify({ id: 1, method: "subscription", params: { path: "market.onTick", input: { symbols } } }));
    });
    let subscribed = false;
    socket.on("message", (data: Buffer) => {
      // The server's keep-alive: a client that does not answer is closed, as tRPC's client answers it.
      if (data.length === 4 && data.toString() === "PING") return socket.send("PONG");
      if (measuring) record(data);
      if (subscribed) return;
      const text = data.toString();
      if (text.includes('"error"')) reject(new Error(`socket ${i}: ${text}`));
      subscribed = text.includes('"started"');
      if (!subscribed) return;
      clearTimeout(timer);
      resolve();
    });
    socket.once("error", reject);
    socket.once("close", () => reject(new Error(`socket ${i} closed before its subscription started`)));
  });
}

async function connectAll(): Promise<void> {
  const mine: number[] = [];
  for (let i = job.first; i < job.count; i += job.step) mine.push(i);
  for (let at = 0; at < mine.length; at += WAVE) await Promise.all(mine.slice(at, at + WAVE).map(open));
}

const loop = monitorEventLoopDelay({ resolution: 10 });
process.on("message", (command: ClientsCommand) => {
  if (command === "measure") {
    measuring = true;
    loop.enable();
    return;
  }
  measuring = false;
  loop.disable();
  if (command === "stop") return;
  for (const socket of sockets) socket.terminate();
  const report: ClientsMessage = {
    kind: "report",
    latencies: latencies.slice(0, measured),
    loopP99Ms: loop.percentile(99) / 1e6,
    loopMaxMs: loop.max / 1e6,
  };
  send(report);
});
connectAll().then(
  () => send({ kind: "connected" } satisfies ClientsMessage),
  (error: unknown) => send({ kind: "failed", error: String(error) } satisfies ClientsMessage),
);
