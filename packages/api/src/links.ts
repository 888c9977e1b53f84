// How a client talks to the server, shared by the typed client and the web app: queries and
// mutations over HTTP in batches, subscriptions over one WebSocket that reconnects by itself. No
// Node-only imports here: the web app bundles this file.
import { createWSClient, httpBatchLink, splitLink, wsLink, type TRPCLink } from "@trpc/client";
import type { AppRouter } from "./root.js";

/** Close code sent to the sockets of a revoked key (4000-4999 are for applications). */
export const CLOSE_KEY_REVOKED = 4001;
/**
 * Close code sent to a socket too far behind on what it was sent (a stalled or slow reader): it
 * should connect again and resume its subscriptions from their last event id, as the links here
 * do by themselves.
 */
export const CLOSE_TOO_SLOW = 4002;

/** Calls per HTTP batch, at most: the server's default `MAX_BATCH_SIZE`. */
export const DEFAULT_BATCH_ITEMS = 50;

export interface LinkOptions {
  /** Where tRPC answers over HTTP, e.g. http://127.0.0.1:3000/trpc or /trpc. */
  httpUrl: string;
  /** The same over WebSocket, e.g. ws://127.0.0.1:3000/trpc. */
  wsUrl: string;
  apiKey: string;
  /** Open the socket on the first subscription and close it when none is left (the typed client). */
  lazy?: boolean;
  onOpen?: (() => void) | undefined;
  onClose?: ((cause?: { code?: number }) => void) | undefined;
  /** WebSocket implementation, where there is no global one (Node 20). */
  WebSocket?: typeof globalThis.WebSocket | undefined;
}

export function createTradingLinks(options: LinkOptions): { links: TRPCLink<AppRouter>[]; close: () => void } {
  const wsClient = createWSClient({
    url: options.wsUrl,
    connectionParams: { apiKey: options.apiKey },
    lazy: { enabled: options.lazy ?? false, closeMs: 2_000 },
    keepAlive: { enabled: true, intervalMs: 10_000, pongTimeoutMs: 5_000 },
    retryDelayMs: (attempt) => Math.min(250 * 2 ** attempt, 5_000),
    onOpen: options.onOpen,
    onClose: options.onClose,
    ...(options.WebSocket === undefined ? {} : { WebSocket: options.WebSocket }),
  });
  const links = [
    splitLink<AppRouter>({
      condition: (op) => op.type === "subscription",
      true: wsLink<AppRouter>({ client: wsClient }),
      false: httpBatchLink({ url: options.httpUrl, headers: () => ({ "x-api-key": options.apiKey }), maxItems: DEFAULT_BATCH_ITEMS }),
    }),
  ];
  return { links, close: () => void wsClient.close() };
}
