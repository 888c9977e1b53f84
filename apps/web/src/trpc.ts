// The typed tRPC hooks for the app: HTTP for queries and mutations, one WebSocket for live data.
import type { AppRouter } from "@trading/api";
import { createWSClient, httpBatchLink, splitLink, wsLink } from "@trpc/client";
import { createTRPCReact } from "@trpc/react-query";

export const trpc = createTRPCReact<AppRouter>();

export type ConnectionState = "connecting" | "open" | "closed" | "revoked";

/** The close code the server sends when the key of a connection is revoked (see the API's server.ts). */
const CLOSE_KEY_REVOKED = 4001;

export function createClients(apiKey: string, onConnection: (state: ConnectionState) => void) {
  const wsUrl = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/trpc`;
  const wsClient = createWSClient({
    url: wsUrl,
    connectionParams: { apiKey },
    keepAlive: { enabled: true, intervalMs: 10_000, pongTimeoutMs: 5_000 },
    retryDelayMs: (attempt) => Math.min(250 * 2 ** attempt, 5_000),
    onOpen: () => onConnection("open"),
    onClose: (cause) => onConnection(cause?.code === CLOSE_KEY_REVOKED ? "revoked" : "closed"),
  });
  const client = trpc.createClient({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: wsLink({ client: wsClient }),
        false: httpBatchLink({ url: "/trpc", headers: () => ({ "x-api-key": apiKey }), maxItems: 20 }),
      }),
    ],
  });
  return { client, close: () => wsClient.close() };
}
