// tRPC over WebSocket: subscriptions and calls on one socket per client. A socket authenticates
// once, with the key in its connection parameters; revoking the key closes its sockets.
import type http from "node:http";
import { getWSConnectionHandler } from "@trpc/server/adapters/ws";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { CLOSE_KEY_REVOKED } from "../links.js";
import type { Platform } from "../platform.js";
import { appRouter } from "../root.js";
import { createContextInner, type ConnectionState, type Context } from "../trpc.js";
import { sharedPayloadEncoder } from "../wsEncoder.js";
import { watchSlowSockets } from "./slow-sockets.js";
import { TickHub } from "./tick-hub.js";

export function attachWebSockets(server: http.Server, platform: Platform, allowedOrigins: ReadonlySet<string>) {
  const { config, log } = platform;
  const wss = new WebSocketServer({
    server,
    maxPayload: config.maxWsPayloadBytes,
    // ws's default, stated: the tick hub's frames go past ws to the connection, which is safe only
    // while ws writes each frame whole as it sends it (ws-frames.ts).
    perMessageDeflate: false,
    // Browsers send Origin: the app's own (served from here) and configured ones pass. Other
    // clients (Node services, the CLI) send none, and are allowed. A request target that makes no
    // URL with its Host is refused here: tRPC's socket handler would throw on it, outside any
    // handler that could answer, and stop the server.
    verifyClient: (
      { origin, req }: { origin?: string; req: http.IncomingMessage },
      accept: (result: boolean, code?: number, message?: string) => void,
    ) => {
      if (!URL.canParse(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`))
        return accept(false, 400, "the request target is not a valid URL");
      accept(origin === undefined || origin === "" || allowedOrigins.has(origin) || isSameOrigin(origin, req.headers.host));
    },
  });
  const sockets = socketsByKey(platform);
  const contexts = new WeakMap<WebSocket, Context>();
  const ticks = new TickHub(platform);
  const onConnection = getWSConnectionHandler({
    wss,
    router: appRouter,
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
    experimental_encoder: sharedPayloadEncoder,
    createContext: ({ req, res, info }): Context => {
      // The adapter's own declaration of the socket type does not resolve from here; it is ws's WebSocket.
      const socket = res as WebSocket;
      const params = info.connectionParams ?? {};
      const principal = platform.keys.authenticate(params.apiKey ?? params["x-api-key"]);
      const connection: ConnectionState = { subscriptions: 0, socket };
      if (principal !== null) sockets.add(principal.keyId, socket);
      const context = createContextInner(platform, principal, connection, req.socket.remoteAddress ?? null);
      contexts.set(socket, context);
      return context;
    },
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") log.error("ws procedure failed", { path, error: String(error.cause ?? error) });
    },
  });
  wss.on("connection", (socket, req) => {
    const connection = req.socket;
    interceptMessages(socket, (message) => ticks.take(socket, connection, contexts.get(socket), message));
    onConnection(socket, req);
  });
  const handler = {
    /** Asks every client to connect again (a server about to stop): tRPC's message for it. */
    broadcastReconnectNotification(): void {
      const message = sharedPayloadEncoder.encode({ id: null, method: "reconnect" });
      for (const client of wss.clients) if (client.readyState === 1) client.send(message);
    },
  };
  wss.on("error", (error) => log.warn("websocket server error", { error: String(error) }));
  const stopWatching = watchSlowSockets(
    () => wss.clients,
    config.maxWsBufferedBytes,
    (count) => {
      platform.metrics.slowSockets.inc({}, count);
      log.warn("closed websockets too far behind", { count, maxBufferedBytes: config.maxWsBufferedBytes });
    },
  );
  wss.on("close", () => {
    stopWatching();
    ticks.stop();
  });
  platform.metrics.addGauges(() => ({
    trading_websocket_clients: { help: "Open WebSocket connections", value: wss.clients.size },
    trading_tick_subscriptions: { help: "Tick subscriptions the tick hub serves", value: ticks.size },
  }));
  return { wss, handler };
}

/** The open sockets of each key, closed with CLOSE_KEY_REVOKED when the key is revoked. */
function socketsByKey(platform: Platform): { add(keyId: string, socket: WebSocket): void } {
  const byKey = new Map<string, Set<WebSocket>>();
  platform.keys.onRevoke((keyId) => {
    for (const socket of byKey.get(keyId) ?? []) socket.close(CLOSE_KEY_REVOKED, "API key revoked");
    byKey.delete(keyId);
  });
  return {
    add(keyId, socket) {
      let sockets = byKey.get(keyId);
      if (sockets === undefined) {
        sockets = new Set();
        byKey.set(keyId, sockets);
      }
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
    },
  };
}

function isSameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * Lets `take` answer a socket's requests before tRPC sees them: the listeners tRPC adds for the
 * socket's messages (its requests, and its keep-alive's) are wrapped, the only change made to the
 * socket, and get only what `take` leaves. Frames that cannot hold such a request (most: PING,
 * calls) pass straight through, unparsed; for the others `take` decides once per frame, and a
 * batch is split, what is left going on as a batch.
 */
function interceptMessages(socket: WebSocket, take: (message: unknown) => Promise<boolean>): void {
  const on = socket.on.bind(socket);
  const decisions = new WeakMap<object, Promise<RawData | null>>();
  socket.on = ((event: string, listener: (data: RawData, isBinary: boolean) => void) => {
    if (event !== "message") return on(event, listener);
    return on("message", (data: RawData, isBinary: boolean) => {
      if (isBinary || !Buffer.isBuffer(data) || !mayTake(data)) return listener(data, isBinary);
      let decision = decisions.get(data);
      if (decision === undefined) {
        decision = leftOf(data, take);
        decisions.set(data, decision);
      }
      void decision.then((left) => {
        if (left !== null) listener(left, false);
      });
    });
  }) as typeof socket.on;
}

const mayTake = (data: Buffer): boolean => data.includes('"market.onTick"') || data.includes('"subscription.stop"');

/** What `take` leaves of a frame: all of it, part of a batch, or nothing (null). */
async function leftOf(data: Buffer, take: (message: unknown) => Promise<boolean>): Promise<RawData | null> {
  let message: unknown;
  try {
    message = JSON.parse(data.toString());
  } catch {
    return data;
  }
  if (!Array.isArray(message)) return (await take(message)) ? null : data;
  const left: unknown[] = [];
  for (const item of message) if (!(await take(item))) left.push(item);
  return left.length === 0 ? null : left.length === message.length ? data : Buffer.from(JSON.stringify(left.length === 1 ? left[0] : left));
}
