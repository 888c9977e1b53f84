// The OpenAPI document of the REST mirror and a self-contained docs page rendered from it (no
// CDN, no scripts): every endpoint with its parameters, body, answer and a curl example.
import { generateOpenApiDocument, type OpenAPIObject } from "trpc-to-openapi";
import { restRouter } from "./rest.js";

export function openApiDocument(baseUrl: string): OpenAPIObject {
  return generateOpenApiDocument(restRouter, {
    title: "Paper-trading broker API",
    version: "1.0.0",
    description:
      "REST mirror of the tRPC API. Authenticate with the `x-api-key` header. Prices are decimal rupees. " +
      "Errors answer `{ message, code, data: { reason, fieldErrors } }` with the matching HTTP status.",
    baseUrl: `${baseUrl}/api/v1`,
    securitySchemes: { apiKey: { type: "apiKey", in: "header", name: "x-api-key" } },
  });
}

const escape = (text: string): string =>
  text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  required?: string[];
  description?: string;
  anyOf?: Schema[];
};

function describeType(schema: Schema | undefined): string {
  if (schema === undefined) return "";
  if (schema.enum !== undefined) return schema.enum.map(String).join(" | ");
  if (schema.anyOf !== undefined) return schema.anyOf.map(describeType).join(" | ");
  if (schema.type === "array") return `${describeType(schema.items)}[]`;
  return Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type ?? "object");
}

function fieldsTable(schema: Schema | undefined): string {
  const props = schema?.properties;
  if (props === undefined) return "";
  const required = new Set(schema?.required ?? []);
  const rows = Object.entries(props)
    .map(
      ([name, s]) =>
        `<tr><td><code>${escape(name)}</code>${required.has(name) ? "" : " <small>optional</small>"}</td><td>${escape(describeType(s))}</td></tr>`,
    )
    .join("");
  return `<table>${rows}</table>`;
}

export function docsPage(document: OpenAPIObject, baseUrl: string): string {
  const sections: string[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(
      item as Record<
        string,
        {
          summary?: string;
          parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Schema }>;
          requestBody?: { content: Record<string, { schema: Schema }> };
          responses?: Record<string, { content?: Record<string, { schema: Schema }> }>;
        }
      >,
    )) {
      const params = (operation.parameters ?? [])
        .map(
          (p) =>
            `<tr><td><code>${escape(p.name)}</code> <small>${p.in}${p.required === true ? "" : ", optional"}</small></td><td>${escape(describeType(p.schema))}</td></tr>`,
        )
        .join("");
      const body = operation.requestBody?.content["application/json"]?.schema;
      const answer = operation.responses?.["200"]?.content?.["application/json"]?.schema;
      const curlPath = path.replace(/\{(\w+)\}/g, (_, name: string) => (name === "symbol" ? "INFY" : "ORDER_ID"));
      const curl =
        method === "get"
          ? `curl -H 'x-api-key: demo-key' ${baseUrl}/api/v1${curlPath}`
          : `curl -X POST -H 'x-api-key: demo-key' -H 'content-type: application/json' ${baseUrl}/api/v1${curlPath} -d '${path === "/orders" ? '{"symbol":"INFY","side":"BUY","type":"LIMIT","quantity":1,"price":1500}' : "{}"}'`;
      sections.push(`<section id="${method}-${escape(path)}">
<h2><span class="m ${method}">${method.toUpperCase()}</span> <code>/api/v1${escape(path)}</code></h2>
<p>${escape(operation.summary ?? "")}</p>
${params === "" ? "" : `<h3>Parameters</h3><table>${params}</table>`}
${body === undefined ? "" : `<h3>Body</h3>${fieldsTable(body)}`}
${answer === undefined ? "" : `<h3>Answer</h3><p>${escape(describeType(answer))}</p>${fieldsTable(answer.type === "array" ? answer.items : answer)}`}
<pre>${escape(curl)}</pre>
</section>`);
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>API docs · Paper-trading broker</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:24px;background:#0f1115;color:#e6e6e6}
a{color:#7ab7ff}code,pre{font-family:ui-monospace,monospace}pre{background:#171a21;padding:10px;overflow:auto;border-radius:6px}
section{border-top:1px solid #2a2f3a;padding:8px 0}table{border-collapse:collapse}td{padding:2px 12px 2px 0;vertical-align:top}
.m{font-size:12px;padding:2px 6px;border-radius:4px}.get{background:#1f4d2e}.post{background:#4d3a1f}small{color:#9aa3b2}
</style></head><body>
<h1>Paper-trading broker · REST API</h1>
<p>${escape(String(document.info.description ?? ""))}</p>
<p>The machine-readable document is at <a href="/api/v1/openapi.json"><code>/api/v1/openapi.json</code></a>. TypeScript services should prefer the typed tRPC client (<code>@trading/api/client</code>), which also streams live events.</p>
${sections.join("\n")}
</body></html>`;
}
