// The REST mirror's two busiest endpoints, answered directly rather than through the OpenAPI adapter
// (which builds a caller, coerces and re-validates the input and validates the output on every
// request): GET /api/v1/instruments, market data every user sees alike, serialised once per change
// of the market; and POST /api/v1/orders. Each takes the same key check, rate limit, input schema
// and procedure as the mirror, and answers the same status, headers and body. A request they do not
// take whole (no valid key, a rate limit reached, an input the schema refuses) goes on to the
// mirror, which answers it with its own error; so those answers cannot differ either.
import type http from "node:http";
import { orderRequestSchema } from "@trading/engine";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { getErrorShape, getTRPCErrorFromUnknown } from "@trpc/server/unstable-core-do-not-import";
import type { Principal } from "../auth.js";
import { instrumentDto } from "../dto.js";
import type { Platform } from "../platform.js";
import { placeOrder } from "../procedures/place-order.js";
import { restRouter } from "../rest.js";
import { createContextInner } from "../trpc.js";

export type DirectRoute = (req: http.IncomingMessage, res: http.ServerResponse, body: unknown) => Promise<boolean>;

/** The direct answer for a request, if it has one: `true` once answered, `false` to leave it to the mirror. */
export function directRoutes(platform: Platform): (req: http.IncomingMessage, path: string) => DirectRoute | null {
  const instruments = marketJson(platform);
  const routes: Record<string, DirectRoute> = {
    "GET /api/v1/instruments": (req, res) => answer(platform, req, res, async () => instruments()),
    "POST /api/v1/orders": (req, res, body) => {
      const parsed = orderRequestSchema.safeParse(body);
      if (!parsed.success) return Promise.resolve(false);
      return answer(platform, req, res, async (principal) => JSON.stringify(await placeOrder(platform, principal.userId, parsed.data)), {
        path: "placeOrder",
        input: body,
      });
    },
  };
  return (req, path) => routes[`${req.method ?? ""} ${path}`] ?? null;
}

/** The instruments list as JSON, made again only when the market has changed since. */
function marketJson(platform: Platform): () => string {
  let made: { engine: object; version: number; json: string } | null = null;
  return () => {
    const engine = platform.engine;
    if (made === null || made.engine !== engine || made.version !== engine.marketVersion) {
      made = { engine, version: engine.marketVersion, json: JSON.stringify(engine.instruments().map(instrumentDto)) };
    }
    return made.json;
  };
}

/**
 * Checks the key and takes from its rate bucket as a protected procedure does, then answers what
 * `work` makes, or its error as the mirror shapes errors. Without a valid key, or with its bucket
 * empty, nothing is taken and the mirror answers (401 or 429, with its headers).
 */
async function answer(
  platform: Platform,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  work: (principal: Principal) => Promise<string>,
  procedure: { path: string; input: unknown } = { path: "listInstruments", input: {} },
): Promise<boolean> {
  const principal = platform.keys.authenticate(req.headers["x-api-key"]);
  if (principal === null) return false;
  const taken = await platform.limiter.take(principal.keyId);
  if (!taken.ok) return false;
  const headers = {
    "Content-Type": "application/json",
    "X-RateLimit-Limit": String(platform.limiter.limit),
    "X-RateLimit-Remaining": String(taken.remaining),
  };
  try {
    const json = await work(principal);
    res.writeHead(200, headers).end(json);
  } catch (cause) {
    const error = getTRPCErrorFromUnknown(cause);
    if (error.code === "INTERNAL_SERVER_ERROR") platform.log.error("rest request failed", { error: String(error.cause ?? error) });
    const ctx = createContextInner(platform, principal, null, req.socket.remoteAddress ?? null);
    const shape = getErrorShape({
      config: restRouter._def._config,
      error,
      type: "mutation",
      path: procedure.path,
      input: procedure.input,
      ctx,
    });
    res.writeHead(getHTTPStatusCodeFromError(error), headers).end(JSON.stringify({ ...shape, code: error.code }));
  }
  return true;
}
