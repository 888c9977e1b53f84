// Ceilings for the tick-to-subscriber benchmark, run as a separate process: the same kind of tick
// message broadcast to every connected socket at the same rate, by a bare `ws` server (one string,
// sent to each socket) and by stock tRPC (a trivial subscription that yields `tracked()` items
// from an EventEmitter, with tRPC's own JSON encoding per subscriber). Neither journals anything;
// the time in each message is stamped just before the broadcast.
import { EventEmitter, on } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { initTRPC, tracked } from "@trpc/server";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import { WebSocketServer } from "ws";

const TICKS_PER_SECOND = Number(process.argv[2] ?? 40);
const SYMBOLS = ["RELIANCE", "TCS", "INFY", "HDFCBANK", "ICICIBANK", "SBIN", "ITC", "LT"];

interface Tick {
  seq: number;
  symbol: string;
  price: number;
  volume: number;
  change: number;
  changePercent: number;
  time: string;
}

let seq = 0;
function nextTick(): Tick {
  seq++;
  const price = 2_500 + (seq % 40) * 0.05;
  return {
    seq,
    symbol: SYMBOLS[seq % SYMBOLS.length] as string,
    price,
    volume: 10 + (seq % 90),
    change: price - 2_500,
    changePercent: 0.01,
    time: new Date().toISOString(),
  };
}

const ticks = new EventEmitter();
ticks.setMaxListeners(0);
const t = initTRPC.create();
const router = t.router({
  onTick: t.procedure.subscription(async function* ({ signal }) {
    for await (const [tick] of on(ticks, "tick", { signal }) as AsyncIterableIterator<[Tick]>) yield tracked(String(tick.seq), tick);
  }),
});

const bareServer = http.createServer();
const bare = new WebSocketServer({ server: bareServer });
const trpcServer = http.createServer();
applyWSSHandler({ wss: new WebSocketServer({ server: trpcServer }), router, createContext: () => ({}) });

setInterval(() => {
  if (bare.clients.size > 0) {
    const tick = nextTick();
    const text = JSON.stringify({ id: 1, result: { type: "data", id: String(tick.seq), data: { id: String(tick.seq), data: tick } } });
    for (const socket of bare.clients) socket.send(text);
  }
  if (ticks.listenerCount("tick") > 0) ticks.emit("tick", nextTick());
}, 1000 / TICKS_PER_SECOND);

const listen = (server: http.Server) =>
  new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
const ports = { ws: await listen(bareServer), trpc: await listen(trpcServer) };
process.stdout.write(`${JSON.stringify({ ports })}\n`);
