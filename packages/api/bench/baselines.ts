// Ceilings for the API benchmarks, run as a separate process: a bare node:http JSON answer, a bare
// ws echo, and stock tRPC with a trivial procedure over HTTP and WebSocket on one port.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { initTRPC } from "@trpc/server";
import { nodeHTTPRequestHandler } from "@trpc/server/adapters/node-http";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import { WebSocketServer } from "ws";
import { z } from "zod";

const t = initTRPC.create();
const router = t.router({
  echo: t.procedure.input(z.object({ n: z.number() })).mutation(({ input }) => ({ n: input.n, ok: true })),
});

const bareHttp = http.createServer((_req, res) => {
  res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
});
const bareWsServer = http.createServer();
new WebSocketServer({ server: bareWsServer }).on("connection", (socket) => socket.on("message", (data) => socket.send(data)));
const trpcServer = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  void nodeHTTPRequestHandler({ router, req, res, path: url.pathname.slice("/trpc/".length), createContext: () => ({}) });
});
applyWSSHandler({ wss: new WebSocketServer({ server: trpcServer }), router, createContext: () => ({}) });

const listen = (server: http.Server) =>
  new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
const ports = { http: await listen(bareHttp), ws: await listen(bareWsServer), trpc: await listen(trpcServer) };
process.stdout.write(`${JSON.stringify({ ports })}\n`);
