// What the server takes as a request body, checked before anything parses or recurses into it:
// JSON in UTF-8, within the size limit, nested no deeper than an API input can be, and for the
// REST mirror a JSON object (a list spread into an input would read as an object of its indexes).
import type http from "node:http";

/** Levels of arrays and objects a body may nest: every input is one or two levels deep. */
export const MAX_JSON_DEPTH = 32;

/** Why a body's declared charset cannot be read (JSON is UTF-8), or null when it can. */
export function unreadableCharset(contentType: string | undefined): string | null {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? "")?.[1];
  if (charset === undefined || /^utf-?8$/i.test(charset)) return null;
  return `the request body must be UTF-8 JSON, not ${charset}`;
}

/**
 * Whether `text` nests arrays and objects more than `max` levels deep: one pass over the text,
 * skipping strings, so no parser or validator downstream ever recurses that far.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > max) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return false;
}

export type BodyProblem = { status: 400 | 413 | 415; code: string; message: string };

/**
 * A REST request's JSON body, read and checked: `undefined` when it has none, or the problem to
 * answer. Rejects with the socket's error if the client goes away half-way.
 */
export async function readRestBody(req: http.IncomingMessage, limit: number): Promise<{ body: unknown } | BodyProblem> {
  const text = await readBody(req, limit);
  if (text === null) return { status: 413, code: "PAYLOAD_TOO_LARGE", message: `the request body is larger than ${limit} bytes` };
  if (text === "") return { body: undefined };
  if (nestsDeeperThan(text, MAX_JSON_DEPTH))
    return { status: 400, code: "BAD_REQUEST", message: `the request body is nested more than ${MAX_JSON_DEPTH} levels deep` };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return { status: 400, code: "PARSE_ERROR", message: `the request body is not valid JSON (${(error as Error).message})` };
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return { status: 400, code: "BAD_REQUEST", message: "the request body must be a JSON object" };
  return { body };
}

/** The body as text, or null when it is larger than `limit` bytes (the rest is not read). */
async function readBody(req: http.IncomingMessage, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * A query string as the REST adapter's input: the first value of each key, on an object with no
 * prototype, so that keys such as `__proto__` or `constructor` are plain unknown keys (which
 * inputs ignore) rather than the built-ins the adapter would call `push` on.
 */
export function queryOf(url: URL): Record<string, string[]> {
  const query = Object.create(null) as Record<string, string[]>;
  for (const [key, value] of url.searchParams) {
    if (key === "__proto__") continue;
    (query[key] ??= []).push(value);
  }
  return query;
}
