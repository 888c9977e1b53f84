// tRPC over WebSocket: subscriptions and calls on one socket per client. A socket authenticates
// once, with the key in its connection parameters; revoking the key closes its sockets.
import type http from "node:http";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import { WebSocketServer, type WebSocket } from "ws";
import { CLOSE_KEY_REVOKED } from "../links.js";
import type { Platform } from "../platform.js";
import { appRouter } from "../root.js";
import { createContextInner, type ConnectionState, type Context } from "../trpc.js";
import { sharedPayloadEncoder } from "../wsEncoder.js";
import { watchSlowSockets } from "./slow-sockets.js";

export function attachWebSockets(server: http.Server, platform: Platform, allowedOrigins: ReadonlySet<string>) {
  const { config, log } = platform;
  const wss = new WebSocketServer({
    server,
    maxPayload: config.maxWsPayloadBytes,
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
  const handler = applyWSSHandler({
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
      return createContextInner(platform, principal, connection, req.socket.remoteAddress ?? null);
    },
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") log.error("ws procedure failed", { path, error: String(error.cause ?? error) });
    },
  });
  wss.on("error", (error) => log.warn("websocket server error", { error: String(error) }));
  const stopWatching = watchSlowSockets(
    () => wss.clients,
    config.maxWsBufferedBytes,
    (count) => {
      platform.metrics.slowSockets.inc({}, count);
      log.warn("closed websockets too far behind", { count, maxBufferedBytes: config.maxWsBufferedBytes });
    },
  );
  wss.on("close", stopWatching);
  platform.metrics.addGauges(() => ({ trading_websocket_clients: { help: "Open WebSocket connections", value: wss.clients.size } }));
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
