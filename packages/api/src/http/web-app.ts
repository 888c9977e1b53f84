// The built web app, served from a directory, with the headers a browser needs to keep it safe.
import { readFile } from "node:fs/promises";
import type http from "node:http";
import path from "node:path";
import { sendJson } from "./responses.js";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".map": "application/json",
};

/** For pages the server renders: only its own origin, never framed. */
export const PAGE_SECURITY_HEADERS = {
  "Content-Security-Policy":
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
};

/** The web app's: only its own origin (its WebSocket included), never framed. */
const APP_SECURITY_HEADERS = {
  ...PAGE_SECURITY_HEADERS,
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
};

/**
 * Answers a GET for the web app. Files under `assets/` carry their content hash in their name and
 * are cached for a year; anything else is revalidated. Unknown paths without an extension get
 * index.html, so client-side routes survive a reload; paths never leave `webDir`.
 */
export function serveWebApp(webDir: string, pathname: string, res: http.ServerResponse): void {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    sendJson(res, 400, { error: { code: "BAD_REQUEST", message: "the path is not valid percent-encoded UTF-8" } });
    return;
  }
  const relative = path.normalize(decoded).replace(/^(\.\.[/\\])+/, "");
  const file = path.join(webDir, relative);
  const inside = file.startsWith(webDir + path.sep) || file === webDir;
  const send = (target: string, fallback: boolean) =>
    readFile(target).then(
      (body) => {
        const type = CONTENT_TYPES[path.extname(target)] ?? "application/octet-stream";
        const cache = target.includes(`${path.sep}assets${path.sep}`) ? "public, max-age=31536000, immutable" : "no-cache";
        res.writeHead(200, { "content-type": type, "cache-control": cache, ...APP_SECURITY_HEADERS }).end(body);
      },
      () => {
        if (fallback) void send(path.join(webDir, "index.html"), false);
        else
          sendJson(res, 404, {
            error: { code: "NOT_FOUND", message: "the web app is not built (run the build) or there is no such file" },
          });
      },
    );
  void send(inside && pathname !== "/" ? file : path.join(webDir, "index.html"), inside && pathname !== "/" && path.extname(file) === "");
}
