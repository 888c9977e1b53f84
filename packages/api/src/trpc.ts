// tRPC setup: the context every procedure sees, the error formatter, and the public, authed and
// admin procedures (with rate limiting per API key).
import { initTRPC, TRPCError } from "@trpc/server";
import type { OpenApiMeta } from "trpc-to-openapi";
import { ZodError } from "zod";
import type { Principal } from "./auth.js";
import { DomainError } from "./errors.js";
import type { Platform } from "./platform.js";

/** Per WebSocket connection: counts subscriptions against the per-connection cap. */
export interface ConnectionState {
  subscriptions: number;
  /** The WebSocket, whose send buffer a replay waits on. */
  socket?: { bufferedAmount: number; readyState: number };
}

export interface Context {
  platform: Platform;
  auth: Principal | null;
  /** Present for WebSocket connections (the context is built once per connection). */
  connection: ConnectionState | null;
  /** Set by the rate limiter, read by both HTTP handlers for X-RateLimit-* and Retry-After headers. */
  rate: { limit: number; remaining: number; retryAfterSeconds?: number } | null;
  /** The client's network address: requests without a valid key are rate-limited by it. */
  clientAddress: string | null;
}

/** The same context without any transport: for `createCaller` in tests and scripts. */
export function createContextInner(
  platform: Platform,
  auth: Principal | null,
  connection: ConnectionState | null = null,
  clientAddress: string | null = null,
): Context {
  return { platform, auth, connection, rate: null, clientAddress };
}

const t = initTRPC
  .context<Context>()
  .meta<OpenApiMeta>()
  .create({
    errorFormatter({ shape, error, ctx }) {
      const development = ctx?.platform.config.development ?? false;
      const zod = error.cause instanceof ZodError ? error.cause : null;
      const domain = error instanceof DomainError ? error : null;
      // Unexpected errors never show their own text (driver or database messages): only a code.
      const masked = error.code === "INTERNAL_SERVER_ERROR" && !development;
      return {
        ...shape,
        message: masked ? "internal error" : zod !== null ? describeZodError(zod) : shape.message,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          reason: domain?.reason ?? null,
          orderId: domain?.orderId ?? null,
          fieldErrors: zod === null ? null : fieldErrors(zod),
          ...(development && !masked ? { stack: shape.data.stack } : {}),
        },
      };
    },
  });

function fieldErrors(error: ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length === 0 ? "(input)" : issue.path.join(".");
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

function describeZodError(error: ZodError): string {
  return error.issues.map((i) => (i.path.length === 0 ? i.message : `${i.path.join(".")}: ${i.message}`)).join("; ");
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure;

/** What a protected procedure sees: the context with its caller known. */
export type AuthedContext = Context & { auth: Principal };

const requireKey = t.middleware(async ({ ctx, next }) => {
  const { auth, rate } = await checkKey(ctx);
  ctx.rate = rate;
  return next({ ctx: { auth } });
});

/**
 * Takes a request from the caller's rate bucket, and answers the caller: a valid key's principal.
 * Without a valid key, the client's address has the bucket, so guessing keys is rate-limited too.
 */
async function checkKey(ctx: Context): Promise<{ auth: Principal; rate: NonNullable<Context["rate"]> }> {
  const limiter = ctx.platform.limiter;
  const taken = await limiter.take(ctx.auth === null ? `address ${ctx.clientAddress ?? "unknown"}` : ctx.auth.keyId);
  if (!taken.ok) {
    ctx.rate = { limit: limiter.limit, remaining: 0, retryAfterSeconds: taken.retryAfterSeconds };
    throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: `rate limit exceeded; retry in ${taken.retryAfterSeconds} s` });
  }
  if (ctx.auth === null) throw new TRPCError({ code: "UNAUTHORIZED", message: "a valid API key is required (x-api-key header)" });
  return { auth: ctx.auth, rate: { limit: limiter.limit, remaining: taken.remaining } };
}

/** A procedure for callers with a valid API key: `ctx.auth` is their principal. */
export const protectedProcedure = t.procedure.use(requireKey);

export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!ctx.auth.isAdmin) throw new TRPCError({ code: "FORBIDDEN", message: "this needs an admin API key" });
  return next();
});
