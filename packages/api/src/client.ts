// The typed client for other TypeScript services: HTTP (batched) for queries and mutations,
// WebSocket for subscriptions, types straight from the router.
//
//   const client = createTradingClient({ url: "http://127.0.0.1:3000", apiKey: "alice-key" });
//   await client.orders.place.mutate({ symbol: "INFY", side: "BUY", type: "MARKET", quantity: 1 });
//   client.orders.onUpdate.subscribe(undefined, { onData: ({ data }) => console.log(data) });
//   client.close();
import { createTRPCClient, createWSClient, httpBatchLink, splitLink, wsLink, type TRPCClient } from "@trpc/client";
import NodeWebSocket from "ws";
import type { AppRouter } from "./root.js";

export interface TradingClientOptions {
  /** The server's base URL, e.g. http://127.0.0.1:3000 */
  url: string;
  apiKey: string;
  /** Called when the socket opens or closes, e.g. for a connection indicator. */
  onSocketOpen?: () => void;
  onSocketClose?: (cause?: { code?: number }) => void;
  /** WebSocket implementation; defaults to the global one, or `ws` where there is none (Node 20). */
  WebSocket?: typeof globalThis.WebSocket;
}

export type TradingClient = TRPCClient<AppRouter> & {
  /** Closes the WebSocket; call on exit so the process can end. */
  close(): void;
};

export function createTradingClient(options: TradingClientOptions): TradingClient {
  const base = options.url.replace(/\/+$/, "");
  const wsUrl = `${base.replace(/^http/, "ws")}/trpc`;
  const wsClient = createWSClient({
    url: wsUrl,
    connectionParams: { apiKey: options.apiKey },
    // The socket opens on the first subscription and closes when none is left.
    lazy: { enabled: true, closeMs: 2_000 },
    keepAlive: { enabled: true, intervalMs: 10_000, pongTimeoutMs: 5_000 },
    retryDelayMs: (attempt) => Math.min(250 * 2 ** attempt, 5_000),
    onOpen: options.onSocketOpen,
    onClose: options.onSocketClose,
    // ws implements the browser WebSocket interface tRPC uses.
    WebSocket: options.WebSocket ?? globalThis.WebSocket ?? (NodeWebSocket as unknown as typeof globalThis.WebSocket),
  });
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: wsLink<AppRouter>({ client: wsClient }),
        false: httpBatchLink({ url: `${base}/trpc`, headers: () => ({ "x-api-key": options.apiKey }), maxItems: 50 }),
      }),
    ],
  });
  // The tRPC client is a proxy that turns every property into a procedure path, so `close` is
  // answered by a proxy in front of it.
  const close = () => wsClient.close();
  return new Proxy(client, {
    get: (target, property, receiver) => (property === "close" ? close : (Reflect.get(target, property, receiver) as unknown)),
  }) as TradingClient;
}

export type { AppRouter, RouterInputs, RouterOutputs } from "./root.js";
