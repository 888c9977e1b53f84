// tRPC over HTTP, and what it shares with the REST mirror: the context of a request and the rate
// limiter's headers.
import type http from "node:http";
import { nodeHTTPRequestHandler } from "@trpc/server/adapters/node-http";
import type { Platform } from "../platform.js";
import { appRouter } from "../root.js";
import { createContextInner, type Context } from "../trpc.js";

/** The context of an HTTP request: its caller (from the x-api-key header) and its address. */
export function httpContext(platform: Platform) {
  return ({ req: request }: { req: http.IncomingMessage | Request }): Context =>
    createContextInner(
      platform,
      platform.keys.authenticate(apiKeyOf(request)),
      null,
      request instanceof Request ? null : (request.socket.remoteAddress ?? null),
    );
}

/** The rate limiter's headers, on tRPC's answers and REST's alike (Retry-After on a 429). */
export function rateHeaders({ ctx }: { ctx?: Context | undefined }): { headers?: Record<string, string> } {
  const rate = ctx?.rate;
  if (rate === null || rate === undefined) return {};
  const headers: Record<string, string> = { "X-RateLimit-Limit": String(rate.limit), "X-RateLimit-Remaining": String(rate.remaining) };
  if (rate.retryAfterSeconds !== undefined) headers["Retry-After"] = String(rate.retryAfterSeconds);
  return { headers };
}

/** The REST adapter hands over a fetch Request, the tRPC one a Node request. */
function apiKeyOf(request: http.IncomingMessage | Request): string | undefined {
  if (request instanceof Request) return request.headers.get("x-api-key") ?? undefined;
  const value = request.headers["x-api-key"];
  return Array.isArray(value) ? value[0] : value;
}

/** Answers a request under /trpc/ (`path` is the procedure path after it). */
export function createTrpcHandler(platform: Platform): (req: http.IncomingMessage, res: http.ServerResponse, path: string) => void {
  const { config, log } = platform;
  const createContext = httpContext(platform);
  return (req, res, path) => {
    void nodeHTTPRequestHandler({
      router: appRouter,
      req,
      res,
      path,
      maxBodySize: config.maxBodyBytes,
      maxBatchSize: config.maxBatchSize,
      allowBatching: true,
      createContext,
      responseMeta: rateHeaders,
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR") log.error("procedure failed", { path, error: String(error.cause ?? error) });
      },
    });
  };
}
