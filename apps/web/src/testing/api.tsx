// Component tests render with a fake API: a tRPC link that answers each procedure from a handler
// and records every call, so a test sees exactly what a component asked the server for.
import type { AppRouter } from "@trading/api";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render } from "@testing-library/react";
import { TRPCClientError, type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import type { ReactNode } from "react";
import { afterEach } from "vitest";
import { trpc } from "../trpc.js";

afterEach(cleanup);

export type Handler = (input: unknown) => unknown;
export interface Call {
  path: string;
  input: unknown;
}

export function renderWithApi(ui: ReactNode, handlers: Record<string, Handler>) {
  const calls: Call[] = [];
  const link: TRPCLink<AppRouter> =
    () =>
    ({ op }) =>
      observable((observer) => {
        calls.push({ path: op.path, input: op.input });
        if (op.type === "subscription") return () => undefined;
        const handler = handlers[op.path];
        if (handler === undefined) {
          observer.error(TRPCClientError.from(new Error(`no handler for ${op.path}`)));
          return () => undefined;
        }
        Promise.resolve()
          .then(() => handler(op.input))
          .then(
            (data) => {
              observer.next({ result: { type: "data", data } });
              observer.complete();
            },
            (error: unknown) => observer.error(TRPCClientError.from(error instanceof Error ? error : new Error(String(error)))),
          );
        return () => undefined;
      });
  const client = trpc.createClient({ links: [link] });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const wrap = (node: ReactNode) => (
    <trpc.Provider client={client} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{node}</QueryClientProvider>
    </trpc.Provider>
  );
  const view = render(wrap(ui));
  return { calls, queryClient, rerender: (node: ReactNode) => view.rerender(wrap(node)) };
}

/** Calls of one procedure, in order. */
export const callsTo = (calls: Call[], path: string) => calls.filter((c) => c.path === path).map((c) => c.input);
