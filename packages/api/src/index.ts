// @trading/api: the API server, its router and the typed client (issue 3 grows this package).
export * from "./dto.js";
