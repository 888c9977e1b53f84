// The typed client for other TypeScript services: HTTP (batched) for queries and mutations,
// WebSocket for subscriptions, types straight from the router.
//
//   const client = createTradingClient({ url: "http://127.0.0.1:3000", apiKey: "alice-key" });
//   await client.orders.place.mutate({ symbol: "INFY", side: "BUY", type: "MARKET", quantity: 1 });
//   client.orders.onUpdate.subscribe(undefined, { onData: ({ data }) => console.log(data) });
//   client.close();
import { createTRPCClient, type TRPCClient } from "@trpc/client";
import NodeWebSocket from "ws";
import { createTradingLinks } from "./links.js";
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
  const { links, close } = createTradingLinks({
    httpUrl: `${base}/trpc`,
    wsUrl: `${base.replace(/^http/, "ws")}/trpc`,
    apiKey: options.apiKey,
    lazy: true,
    onOpen: options.onSocketOpen,
    onClose: options.onSocketClose,
    // ws implements the browser WebSocket interface tRPC uses.
    WebSocket: options.WebSocket ?? globalThis.WebSocket ?? (NodeWebSocket as unknown as typeof globalThis.WebSocket),
  });
  const client = createTRPCClient<AppRouter>({ links });
  // The tRPC client is a proxy that turns every property into a procedure path, so `close` is
  // answered by a proxy in front of it.
  return new Proxy(client, {
    get: (target, property, receiver) => (property === "close" ? close : (Reflect.get(target, property, receiver) as unknown)),
  }) as TradingClient;
}

export type { AppRouter, RouterInputs, RouterOutputs } from "./root.js";
