// bench:fanout's baseline, run as a process of its own: a bare `ws` server doing the least the
// platform's tick fan-out does. It answers the same subscription requests the clients send (tRPC's
// messages, for the ticks of some symbols), makes ticks on the feed's schedule (20 symbols in turn,
// 40 a second, each due by the clock), turns each into its message once and sends it to the
// symbol's subscribers with `ws`. No keys, limits, engine, journal or keep-alive. It answers
// `GET /metrics` with the few figures the bench reads from a server.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { SEED_INSTRUMENTS } from "@trading/engine";
import { WebSocketServer, type WebSocket } from "ws";
import { TickSchedule } from "../dist/tick-schedule.js";

const TICKS_PER_SECOND = Number(process.argv[2] ?? 40);
const SYMBOLS = SEED_INSTRUMENTS.map((s) => s.symbol);

const subscribers = new Map<string, Set<WebSocket>>(SYMBOLS.map((symbol) => [symbol, new Set()]));
let subscriptions = 0;
let produced = 0;

function onMessage(socket: WebSocket, data: Buffer): void {
  const message = JSON.parse(data.toString()) as { id?: number; method?: string; params?: { input?: { symbols?: string[] } } };
  if (message.method !== "subscription") return;
  for (const symbol of message.params?.input?.symbols ?? SYMBOLS) subscribers.get(symbol)?.add(socket);
  subscriptions += 1;
  socket.send(JSON.stringify({ id: message.id, result: { type: "started" } }));
  socket.once("close", () => {
    for (const set of subscribers.values()) set.delete(socket);
    subscriptions -= 1;
  });
}

function tick(): void {
  produced += 1;
  const symbol = SYMBOLS[produced % SYMBOLS.length] as string;
  const price = 2_500 + (produced % 40) * 0.05;
  const id = String(produced);
  const data = {
    seq: produced,
    symbol,
    price,
    volume: 1 + (produced % 90),
    change: price - 2_500,
    changePercent: 0.01,
    time: new Date().toISOString(),
  };
  const text = JSON.stringify({ id: 1, result: { type: "data", id, data: { id, data } } });
  for (const socket of subscribers.get(symbol) ?? []) socket.send(text);
}

const server = http.createServer();
const wss = new WebSocketServer({ server, perMessageDeflate: false });
wss.on("connection", (socket) => socket.on("message", (data: Buffer) => onMessage(socket, data)));

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
server.on("request", (req, res) => {
  const memory = process.memoryUsage();
  res.end(
    [
      `trading_feed_ticks_produced ${produced}`,
      `trading_tick_subscriptions ${subscriptions}`,
      `process_resident_memory_bytes ${memory.rss}`,
      `nodejs_heap_used_bytes ${memory.heapUsed}`,
      `nodejs_eventloop_lag_max_seconds ${loopDelay.max / 1e9}`,
      "",
    ].join("\n"),
  );
  loopDelay.reset();
});

const schedule = new TickSchedule(1000 / TICKS_PER_SECOND);
setInterval(() => {
  for (let due = schedule.due(); due > 0; due--) tick();
}, 1000 / TICKS_PER_SECOND);

await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
