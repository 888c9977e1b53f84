// @trading/api: the server, its router and its types. The typed client is `@trading/api/client`.
export * from "./dto.js";
export { appRouter, createCaller, type AppRouter, type RouterInputs, type RouterOutputs } from "./root.js";
export { startServer, type RunningServer } from "./server.js";
export { CLOSE_KEY_REVOKED, createTradingLinks, type LinkOptions } from "./links.js";
export { loadConfig, configSchema, ENV_NAMES, type Config } from "./config.js";
export { createLogger, type Logger } from "./log.js";
export type { TickDto } from "./procedures/ticks.js";
export type { OrderUpdateDto, OrderUpdateType } from "./procedures/order-updates.js";
