// The whole API: one router per area, each in router/ under its key's name, combined.
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { adminRouter } from "./router/admin.js";
import { authRouter } from "./router/auth.js";
import { chargesRouter } from "./router/charges.js";
import { contractNotesRouter } from "./router/contract-notes.js";
import { fundsRouter } from "./router/funds.js";
import { instrumentsRouter } from "./router/instruments.js";
import { marketRouter } from "./router/market.js";
import { marginsRouter } from "./router/margins.js";
import { ordersRouter } from "./router/orders.js";
import { portfolioRouter } from "./router/portfolio.js";
import { positionsRouter } from "./router/positions.js";
import { tradesRouter } from "./router/trades.js";
import { createCallerFactory, router } from "./trpc.js";

export const appRouter = router({
  auth: authRouter,
  instruments: instrumentsRouter,
  market: marketRouter,
  orders: ordersRouter,
  trades: tradesRouter,
  portfolio: portfolioRouter,
  positions: positionsRouter,
  margins: marginsRouter,
  funds: fundsRouter,
  charges: chargesRouter,
  contractNotes: contractNotesRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export const createCaller = createCallerFactory(appRouter);
