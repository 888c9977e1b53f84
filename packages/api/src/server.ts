// One process, one port: tRPC over HTTP at /trpc and over WebSocket, the REST mirror at /api/v1,
// the API docs, health, readiness and metrics endpoints, and the built web app at /. Where each
// request goes is in http/routes.ts; this file starts and stops the whole.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { WebSocket } from "ws";
import type { Config } from "./config.js";
import { sendJson } from "./http/responses.js";
import { createRequestHandler } from "./http/routes.js";
import { attachWebSockets } from "./http/websocket.js";
import type { Logger } from "./log.js";
import { createPlatform, type LocalPlatform, type Platform } from "./platform.js";
import type { Storage } from "./storage/storage.js";

export { CLOSE_KEY_REVOKED } from "./links.js";

export interface RunningServer<P extends Platform = LocalPlatform> {
  url: string;
  port: number;
  platform: P;
  /** The open WebSocket connections (for tests that drop them). */
  sockets(): WebSocket[];
  /** Stops accepting, tells sockets to reconnect, drains the writer, snapshots, closes storage. */
  close(): Promise<void>;
}

/**
 * Timeouts for an API (Node's defaults allow a client 60 s to send its headers and 5 min for the
 * whole request, holding a connection meanwhile): headers within 10 s, the whole request within
 * 30 s, idle keep-alive connections closed after 5 s. WebSockets are not affected once upgraded.
 */
const HTTP_TIMEOUTS = { headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000 };

/**
 * Connections the kernel may hold for the server to accept (Node's default is 511; Linux caps it
 * at net.core.somaxconn). Thousands of clients connecting at once (a gateway's clients coming over
 * after it stopped) overflow a short queue, and each one dropped tries again only a second or more
 * later: at 14,000 sockets, 3,246 of them were dropped and connecting them all took 10.9 s.
 */
const LISTEN_BACKLOG = 4_096;

/** The single process (ROLE=all): the platform on its own storage, served. */
export async function startServer(config: Config, log: Logger, options: { storage?: Storage } = {}): Promise<RunningServer> {
  const platform = await createPlatform(config, log, options.storage);
  return serve(platform, config, log, { storage: platform.storage.kind, seq: platform.engine.lastSeq });
}

/** Serves a platform (this process's, or a cluster gateway's) on HTTP and WebSocket until closed. */
export async function serve<P extends Platform>(
  platform: P,
  config: Config,
  log: Logger,
  about: Record<string, unknown>,
): Promise<RunningServer<P>> {
  const allowedOrigins = new Set(
    config.corsOrigins
      .split(",")
      .map((o) => o.trim())
      .filter((o) => o.length > 0),
  );
  let ready = false;
  let url = "";
  const handleRequest = createRequestHandler(platform, { allowedOrigins, isReady: () => ready, publicUrl: () => url });
  // One bad request must never stop the server: whatever a handler throws is answered (or the
  // socket closed, when the answer has begun) and logged.
  const server = http.createServer({ ...HTTP_TIMEOUTS, connectionsCheckingInterval: 1_000 }, (req, res) => {
    try {
      handleRequest(req, res);
    } catch (error) {
      log.error("request failed", { path: req.url, error: String(error) });
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, { error: { code: "INTERNAL_SERVER_ERROR", message: "internal error" } });
    }
  });
  const { wss, handler: wsHandler } = attachWebSockets(server, platform, allowedOrigins);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG }, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  platform.start();
  ready = true;
  log.info("listening", { url, ...about });

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    platform,
    sockets: () => [...wss.clients],
    close() {
      closing ??= (async () => {
        ready = false;
        wsHandler.broadcastReconnectNotification();
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        for (const socket of wss.clients) socket.close(1001, "server shutting down");
        wss.close();
        await platform.close();
        server.closeAllConnections();
        await serverClosed;
        log.info("stopped", {});
      })();
      return closing;
    },
  };
}
