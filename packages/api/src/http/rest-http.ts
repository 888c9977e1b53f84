// The REST mirror over HTTP. Requests reach trpc-to-openapi with their query and JSON body already
// read and checked (see request-body.ts): left to it, a body that is not JSON, is nested thousands
// deep or is not an object, or a query key such as `__proto__`, would escape as a 500 or be read
// as an input.
import type http from "node:http";
import { createOpenApiNodeHttpHandler } from "trpc-to-openapi";
import type { Platform } from "../platform.js";
import { queryOf, readRestBody } from "../request-body.js";
import { restRouter } from "../rest.js";
import { directRoutes } from "./rest-direct.js";
import { sendRestError } from "./responses.js";
import { httpContext, rateHeaders } from "./trpc-http.js";

type RestRequest = http.IncomingMessage & { body?: unknown; query?: unknown };

/** Answers a request under /api/v1/ (`url` is the request's own, before the prefix is cut). */
export function createRestHandler(platform: Platform): (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void {
  const { config, log } = platform;
  const restHandler = createOpenApiNodeHttpHandler({
    router: restRouter,
    createContext: httpContext(platform),
    maxBodySize: config.maxBodyBytes,
    responseMeta: rateHeaders,
    onError: ({ error }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") log.error("rest request failed", { error: String(error.cause ?? error) });
    },
  });
  const direct = directRoutes(platform);
  const serve = async (req: RestRequest, res: http.ServerResponse, url: URL): Promise<void> => {
    const route = direct(req, url.pathname);
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
    if (route !== null && (await route(req, res, req.body))) return;
    await restHandler(req, res);
  };
  return (req, res, url) => {
    // The REST router's paths are relative to /api/v1.
    req.url = (req.url ?? "/").slice("/api/v1".length);
    serve(req, res, url).catch((error: unknown) => {
      log.error("rest request failed", { error: String(error) });
      if (!res.headersSent) sendRestError(res, 500, "INTERNAL_SERVER_ERROR", "internal error");
    });
  };
}
