// What every process of a cluster role answers over HTTP: /healthz (alive), /readyz (200 while it
// does its part, 503 while it waits, with what it reports) and /metrics.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Config } from "../config.js";
import { sendJson } from "../http/responses.js";
import type { Metrics } from "../metrics.js";

export interface HealthServer {
  url: string;
  close(): Promise<void>;
}

export async function serveHealth(
  config: Config,
  metrics: Metrics,
  readiness: () => { ready: boolean } & Record<string, unknown>,
): Promise<HealthServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") return sendJson(res, 200, { status: "ok" });
    if (path === "/readyz") {
      const report = readiness();
      return sendJson(res, report.ready ? 200 : 503, report);
    }
    if (path === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(metrics.render());
      return;
    }
    sendJson(res, 404, { error: { code: "NOT_FOUND", message: `no route ${path}` } });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
