// The whole API: one router per area (SPEC §3), combined.
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { authRouter, fundsRouter, portfolioRouter } from "./router/account.js";
import { adminRouter } from "./router/admin.js";
import { instrumentsRouter } from "./router/instruments.js";
import { marketRouter } from "./router/market.js";
import { ordersRouter, tradesRouter } from "./router/orders.js";
import { createCallerFactory, router } from "./trpc.js";

export const appRouter = router({
  auth: authRouter,
  instruments: instrumentsRouter,
  market: marketRouter,
  orders: ordersRouter,
  trades: tradesRouter,
  portfolio: portfolioRouter,
  funds: fundsRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export const createCaller = createCallerFactory(appRouter);
