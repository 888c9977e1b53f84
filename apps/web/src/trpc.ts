// The typed tRPC hooks for the app: HTTP for queries and mutations, one WebSocket for live data
// (the same links as the typed client's).
import type { AppRouter } from "@trading/api";
import { CLOSE_KEY_REVOKED, createTradingLinks } from "@trading/api/links";
import { createTRPCReact } from "@trpc/react-query";

export const trpc = createTRPCReact<AppRouter>();

export type ConnectionState = "connecting" | "open" | "closed" | "revoked";

export function createClients(apiKey: string, onConnection: (state: ConnectionState) => void) {
  const { links, close } = createTradingLinks({
    httpUrl: "/trpc",
    wsUrl: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/trpc`,
    apiKey,
    onOpen: () => onConnection("open"),
    onClose: (cause) => onConnection(cause?.code === CLOSE_KEY_REVOKED ? "revoked" : "closed"),
  });
  return { client: trpc.createClient({ links }), close };
}
