// One process, one port: tRPC over HTTP at /trpc and over WebSocket, the REST mirror at /api/v1,
// the API docs, health, readiness and metrics endpoints, and the built web app at /.
import { readFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { AddressInfo } from "node:net";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import { nodeHTTPRequestHandler } from "@trpc/server/adapters/node-http";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { createOpenApiNodeHttpHandler } from "trpc-to-openapi";
import { WebSocketServer, type WebSocket } from "ws";
import type { Config } from "./config.js";
import { docsPage, openApiDocument } from "./docs.js";
import type { Logger } from "./log.js";
import { createPlatform, type Platform } from "./platform.js";
import { queryOf, readRestBody, unreadableCharset } from "./request-body.js";
import { restRouter } from "./rest.js";
import { appRouter } from "./root.js";
import type { Storage } from "./storage/storage.js";
import { createContextInner, type ConnectionState, type Context } from "./trpc.js";
import { sharedPayloadEncoder } from "./wsEncoder.js";

export interface RunningServer {
  url: string;
  port: number;
  platform: Platform;
  /** The open WebSocket connections (for tests that drop them). */
  sockets(): WebSocket[];
  /** Stops accepting, tells sockets to reconnect, drains the writer, snapshots, closes storage. */
  close(): Promise<void>;
}

/** Close code sent to the sockets of a revoked key (4000-4999 are for applications). */
export const CLOSE_KEY_REVOKED = 4001;

export async function startServer(config: Config, log: Logger, options: { storage?: Storage } = {}): Promise<RunningServer> {
  const platform = await createPlatform(config, log, options.storage);
  const allowedOrigins = new Set(
    config.corsOrigins
      .split(",")
      .map((o) => o.trim())
      .filter((o) => o.length > 0),
  );
  let ready = false;

  const socketsByKey = new Map<string, Set<WebSocket>>();
  platform.keys.onRevoke((keyId) => {
    for (const socket of socketsByKey.get(keyId) ?? []) socket.close(CLOSE_KEY_REVOKED, "API key revoked");
    socketsByKey.delete(keyId);
  });

  const createHttpContext = ({ req: request }: { req: http.IncomingMessage | Request }): Context =>
    createContextInner(
      platform,
      platform.keys.authenticate(apiKeyOf(request)),
      null,
      request instanceof Request ? null : (request.socket.remoteAddress ?? null),
    );
  /** The rate limiter's headers, on tRPC's answers and REST's alike (Retry-After on a 429). */
  const rateHeaders = ({ ctx }: { ctx?: Context | undefined }) => {
    const rate = ctx?.rate;
    if (rate === null || rate === undefined) return {};
    const headers: Record<string, string> = { "X-RateLimit-Limit": String(rate.limit), "X-RateLimit-Remaining": String(rate.remaining) };
    if (rate.retryAfterSeconds !== undefined) headers["Retry-After"] = String(rate.retryAfterSeconds);
    return { headers };
  };
  const restHandler = createOpenApiNodeHttpHandler({
    router: restRouter,
    createContext: createHttpContext,
    maxBodySize: config.maxBodyBytes,
    responseMeta: rateHeaders,
    onError: ({ error }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") log.error("rest request failed", { error: String(error.cause ?? error) });
    },
  });
  /**
   * REST requests reach trpc-to-openapi with their query and JSON body already read and checked
   * (see request-body.ts): left to it, a body that is not JSON, is nested thousands deep or is not
   * an object, or a query key such as `__proto__`, would escape as a 500 or be read as an input.
   */
  const serveRest = async (
    req: http.IncomingMessage & { body?: unknown; query?: unknown },
    res: http.ServerResponse,
    url: URL,
  ): Promise<void> => {
    req.query = queryOf(url);
    if (req.method !== "GET" && req.method !== "HEAD" && (req.headers["content-type"] ?? "").startsWith("application/json")) {
      let read: Awaited<ReturnType<typeof readRestBody>>;
      try {
        read = await readRestBody(req, config.maxBodyBytes);
      } catch {
        // The client went away before the body was complete: nobody is left to answer.
        res.destroy();
        return;
      }
      if (!("body" in read)) return sendRestError(res, read.status, read.code, read.message);
      req.body = read.body;
    }
    await restHandler(req, res);
  };
  let docs: { json: string; html: string } | null = null;
  const webDir = path.resolve(config.webDir ?? fileURLToPath(new URL("../../../apps/web/dist", import.meta.url)));

  const handleRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const started = performance.now();
    const url = URL.parse(req.url ?? "/", "http://localhost");
    if (url === null) return sendJson(res, 400, { error: { code: "BAD_REQUEST", message: "the request target is not a valid URL" } });
    const route = routeLabel(url.pathname);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.on("finish", () => {
      const seconds = (performance.now() - started) / 1000;
      platform.metrics.requests.inc({ route, status: String(res.statusCode) });
      platform.metrics.requestSeconds.observe(seconds, { route });
      log.debug("request", { method: req.method, path: url.pathname, status: res.statusCode, ms: Math.round(seconds * 1000 * 10) / 10 });
    });

    const origin = req.headers.origin;
    if (origin !== undefined && allowedOrigins.has(origin)) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Vary", "Origin");
      res.setHeader("Access-Control-Allow-Headers", "content-type, x-api-key");
      res.setHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    }
    if (req.method === "OPTIONS") {
      res.writeHead(204).end();
      return;
    }
    const trpc = url.pathname.startsWith("/trpc/");
    const charsetProblem = trpc || url.pathname.startsWith("/api/v1/") ? unreadableCharset(req.headers["content-type"]) : null;
    if (charsetProblem !== null) {
      return trpc
        ? sendTrpcError(res, "UNSUPPORTED_MEDIA_TYPE", charsetProblem)
        : sendRestError(res, 415, "UNSUPPORTED_MEDIA_TYPE", charsetProblem);
    }

    if (trpc) {
      void nodeHTTPRequestHandler({
        router: appRouter,
        req,
        res,
        path: url.pathname.slice("/trpc/".length),
        maxBodySize: config.maxBodyBytes,
        maxBatchSize: config.maxBatchSize,
        allowBatching: true,
        createContext: createHttpContext,
        responseMeta: rateHeaders,
        onError: ({ error, path }) => {
          if (error.code === "INTERNAL_SERVER_ERROR") log.error("procedure failed", { path, error: String(error.cause ?? error) });
        },
      });
      return;
    }
    if (url.pathname === "/api/v1/openapi.json" || url.pathname === "/docs") {
      docs ??= makeDocs(publicUrl());
      if (url.pathname === "/docs") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", ...PAGE_SECURITY_HEADERS }).end(docs.html);
      } else {
        res.writeHead(200, { "content-type": "application/json" }).end(docs.json);
      }
      return;
    }
    if (url.pathname.startsWith("/api/v1/")) {
      // The REST router's paths are relative to /api/v1.
      req.url = (req.url ?? "/").slice("/api/v1".length);
      serveRest(req, res, url).catch((error: unknown) => {
        log.error("rest request failed", { error: String(error) });
        if (!res.headersSent) sendRestError(res, 500, "INTERNAL_SERVER_ERROR", "internal error");
      });
      return;
    }
    if (url.pathname === "/healthz") return sendJson(res, 200, { status: "ok" });
    if (url.pathname === "/readyz") {
      // Not ready while the journal cannot be written (a full disk, say): nothing would be accepted.
      void platform.queue
        .writable()
        .then((writable) =>
          sendJson(res, ready && writable ? 200 : 503, { ready: ready && writable, journal: writable ? "writable" : "failing" }),
        );
      return;
    }
    if (url.pathname === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(platform.metrics.render());
      return;
    }
    if (req.method === "GET" || req.method === "HEAD") {
      serveWebApp(webDir, url.pathname, res);
      return;
    }
    sendJson(res, 404, { error: { code: "NOT_FOUND", message: `no route ${url.pathname}` } });
  };
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
  const wsHandler = applyWSSHandler({
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
      if (principal !== null) {
        let sockets = socketsByKey.get(principal.keyId);
        if (sockets === undefined) {
          sockets = new Set();
          socketsByKey.set(principal.keyId, sockets);
        }
        sockets.add(socket);
        socket.once("close", () => sockets.delete(socket));
      }
      return createContextInner(platform, principal, connection, req.socket.remoteAddress ?? null);
    },
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") log.error("ws procedure failed", { path, error: String(error.cause ?? error) });
    },
  });
  wss.on("error", (error) => log.warn("websocket server error", { error: String(error) }));
  platform.metrics.addGauges(() => ({ trading_websocket_clients: { help: "Open WebSocket connections", value: wss.clients.size } }));

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const publicUrl = () => url;
  platform.feed.start();
  ready = true;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  log.info("listening", { url, storage: platform.storage.kind, seq: platform.engine.lastSeq });

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    platform,
    sockets: () => [...wss.clients],
    close() {
      closing ??= (async () => {
        ready = false;
        platform.feed.stop();
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

/**
 * Timeouts for an API (Node's defaults allow a client 60 s to send its headers and 5 min for the
 * whole request, holding a connection meanwhile): headers within 10 s, the whole request within
 * 30 s, idle keep-alive connections closed after 5 s. WebSockets are not affected once upgraded.
 */
const HTTP_TIMEOUTS = { headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000 };

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".map": "application/json",
};

/**
 * The metrics label of a request: its endpoint, with every path the web app answers counted as
 * one, so that requests for made-up paths cannot grow the metrics without bound.
 */
function routeLabel(pathname: string): string {
  if (pathname.startsWith("/trpc/")) return "/trpc";
  if (pathname === "/api/v1/openapi.json") return pathname;
  if (pathname.startsWith("/api/v1/")) return "/api/v1";
  if (pathname === "/healthz" || pathname === "/readyz" || pathname === "/metrics" || pathname === "/docs") return pathname;
  return "/ (web app)";
}

/** The built web app; unknown paths get index.html so client-side routes survive a reload. */
function serveWebApp(webDir: string, pathname: string, res: http.ServerResponse): void {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    sendJson(res, 400, { error: { code: "BAD_REQUEST", message: "the path is not valid percent-encoded UTF-8" } });
    return;
  }
  const relative = path.normalize(decoded).replace(/^(\.\.[/\\])+/, "");
  const file = path.join(webDir, relative);
  const inside = file.startsWith(webDir + path.sep) || file === webDir;
  const send = (target: string, fallback: boolean) =>
    readFile(target).then(
      (body) => {
        const type = CONTENT_TYPES[path.extname(target)] ?? "application/octet-stream";
        const cache = target.includes(`${path.sep}assets${path.sep}`) ? "public, max-age=31536000, immutable" : "no-cache";
        res.writeHead(200, { "content-type": type, "cache-control": cache, ...APP_SECURITY_HEADERS }).end(body);
      },
      () => {
        if (fallback) void send(path.join(webDir, "index.html"), false);
        else
          sendJson(res, 404, {
            error: { code: "NOT_FOUND", message: "the web app is not built (run the build) or there is no such file" },
          });
      },
    );
  void send(inside && pathname !== "/" ? file : path.join(webDir, "index.html"), inside && pathname !== "/" && path.extname(file) === "");
}

function isSameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** The REST adapter hands over a fetch Request, the tRPC one a Node request. */
function apiKeyOf(request: http.IncomingMessage | Request): string | undefined {
  if (request instanceof Request) return request.headers.get("x-api-key") ?? undefined;
  const value = request.headers["x-api-key"];
  return Array.isArray(value) ? value[0] : value;
}

/** For pages the server renders: only its own origin, never framed. */
export const PAGE_SECURITY_HEADERS = {
  "Content-Security-Policy":
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
};

/** The web app's: only its own origin (its WebSocket included), never framed. */
const APP_SECURITY_HEADERS = {
  ...PAGE_SECURITY_HEADERS,
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
};

function makeDocs(baseUrl: string): { json: string; html: string } {
  const document = openApiDocument(baseUrl);
  return { json: JSON.stringify(document), html: docsPage(document, baseUrl) };
}

/** An error answered before any procedure runs, in the shape procedures' errors have. */
function sendRestError(res: http.ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { message, code, data: { code, httpStatus: status, path: null, reason: null, orderId: null, fieldErrors: null } });
}

/** The same before a tRPC procedure runs, in tRPC's error envelope. */
function sendTrpcError(res: http.ServerResponse, code: "UNSUPPORTED_MEDIA_TYPE", message: string): void {
  const httpStatus = 415;
  sendJson(res, httpStatus, {
    error: {
      message,
      code: TRPC_ERROR_CODES_BY_KEY[code],
      data: { code, httpStatus, path: null, reason: null, orderId: null, fieldErrors: null },
    },
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
