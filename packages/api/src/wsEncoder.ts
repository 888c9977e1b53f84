// Serialise once, send to many: a WebSocket encoder for tRPC that turns the payload of a
// subscription message into JSON once, however many subscribers receive the same payload object,
// and only wraps it in each subscriber's envelope.

/** Payload objects handed to many subscribers; their JSON is cached while they live. */
const shared = new WeakMap<object, string | null>();

export function markShared<T extends object>(payload: T): T {
  shared.set(payload, null);
  return payload;
}

interface DataMessage {
  id: string | number | null;
  jsonrpc?: string;
  result: { type: "data"; id?: string; data: object };
}

function isSharedDataMessage(message: unknown): message is DataMessage {
  if (typeof message !== "object" || message === null) return false;
  const result = (message as { result?: unknown }).result;
  if (typeof result !== "object" || result === null) return false;
  const { type, data } = result as { type?: unknown; data?: unknown };
  return type === "data" && typeof data === "object" && data !== null && shared.has(data);
}

export const sharedPayloadEncoder = {
  encode(message: unknown): string {
    if (!isSharedDataMessage(message)) return JSON.stringify(message);
    const data = message.result.data;
    let json = shared.get(data) ?? null;
    if (json === null) {
      json = JSON.stringify(data);
      shared.set(data, json);
    }
    const jsonrpc = message.jsonrpc === undefined ? "" : `"jsonrpc":${JSON.stringify(message.jsonrpc)},`;
    const trackedId = message.result.id === undefined ? "" : `"id":${JSON.stringify(message.result.id)},`;
    return `{"id":${JSON.stringify(message.id)},${jsonrpc}"result":{"type":"data",${trackedId}"data":${json}}}`;
  },
  decode(data: string | ArrayBuffer | Uint8Array): unknown {
    if (typeof data !== "string") throw new Error("expected a text frame");
    return JSON.parse(data);
  },
};
