// Where each request goes: tRPC, the REST mirror, the API docs, health, readiness, metrics, or the
// web app. Every answer is counted in the metrics by route.
import type http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { docsPage, openApiDocument } from "../docs.js";
import type { Platform } from "../platform.js";
import { unreadableCharset } from "../request-body.js";
import { sendJson, sendRestError, sendTrpcError } from "./responses.js";
import { createRestHandler } from "./rest-http.js";
import { createTrpcHandler } from "./trpc-http.js";
import { PAGE_SECURITY_HEADERS, serveWebApp } from "./web-app.js";

export interface RoutesOptions {
  allowedOrigins: ReadonlySet<string>;
  /** Whether the server has started and not begun to stop. */
  isReady: () => boolean;
  /** The server's own URL, for the API docs (known once it listens). */
  publicUrl: () => string;
}

export function createRequestHandler(
  platform: Platform,
  options: RoutesOptions,
): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const { config, log } = platform;
  const serveTrpc = createTrpcHandler(platform);
  const serveRest = createRestHandler(platform);
  const webDir = path.resolve(config.webDir ?? fileURLToPath(new URL("../../../../apps/web/dist", import.meta.url)));
  let docs: { json: string; html: string } | null = null;

  return (req, res) => {
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
    allowOrigin(req, res, options.allowedOrigins);
    if (req.method === "OPTIONS") {
      res.writeHead(204).end();
      return;
    }
    const trpc = url.pathname.startsWith("/trpc/");
    const rest = url.pathname.startsWith("/api/v1/");
    const charsetProblem = trpc || rest ? unreadableCharset(req.headers["content-type"]) : null;
    if (charsetProblem !== null) {
      return trpc
        ? sendTrpcError(res, "UNSUPPORTED_MEDIA_TYPE", charsetProblem)
        : sendRestError(res, 415, "UNSUPPORTED_MEDIA_TYPE", charsetProblem);
    }
    if (trpc) return serveTrpc(req, res, url.pathname.slice("/trpc/".length));
    if (url.pathname === "/api/v1/openapi.json" || url.pathname === "/docs") {
      docs ??= makeDocs(options.publicUrl());
      if (url.pathname === "/docs")
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", ...PAGE_SECURITY_HEADERS }).end(docs.html);
      else res.writeHead(200, { "content-type": "application/json" }).end(docs.json);
      return;
    }
    if (rest) return serveRest(req, res, url);
    if (url.pathname === "/healthz") return sendJson(res, 200, { status: "ok" });
    if (url.pathname === "/readyz") return answerReadiness(platform, options.isReady(), res);
    if (url.pathname === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(platform.metrics.render());
      return;
    }
    if (req.method === "GET" || req.method === "HEAD") return serveWebApp(webDir, url.pathname, res);
    sendJson(res, 404, { error: { code: "NOT_FOUND", message: `no route ${url.pathname}` } });
  };
}

/** CORS for the configured origins (the web app served from here needs none). */
function allowOrigin(req: http.IncomingMessage, res: http.ServerResponse, allowed: ReadonlySet<string>): void {
  const origin = req.headers.origin;
  if (origin === undefined || !allowed.has(origin)) return;
  res.setHeader("Access-Control-Allow-Origin", origin);
  res.setHeader("Vary", "Origin");
  res.setHeader("Access-Control-Allow-Headers", "content-type, x-api-key");
  res.setHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
}

/** Not ready before it listens, nor while the platform says it cannot serve (see `Platform.ready`). */
function answerReadiness(platform: Platform, started: boolean, res: http.ServerResponse): void {
  void platform.ready().then((readiness) => {
    const ready = started && readiness.ready;
    sendJson(res, ready ? 200 : 503, { ...readiness, ready });
  });
}

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

function makeDocs(baseUrl: string): { json: string; html: string } {
  const document = openApiDocument(baseUrl);
  return { json: JSON.stringify(document), html: docsPage(document, baseUrl) };
}
