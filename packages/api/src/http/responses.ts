// Answers the server writes itself, before any procedure runs, in the shapes procedures' answers have.
import type http from "node:http";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/** A REST error in the shape the REST mirror's procedures answer with. */
export function sendRestError(res: http.ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { message, code, data: { code, httpStatus: status, path: null, reason: null, orderId: null, fieldErrors: null } });
}

/** The same for tRPC, in its error envelope. */
export function sendTrpcError(res: http.ServerResponse, code: "UNSUPPORTED_MEDIA_TYPE", message: string): void {
  const httpStatus = 415;
  sendJson(res, httpStatus, {
    error: {
      message,
      code: TRPC_ERROR_CODES_BY_KEY[code],
      data: { code, httpStatus, path: null, reason: null, orderId: null, fieldErrors: null },
    },
  });
}
