// Serialise once, send to many: a WebSocket encoder for tRPC that turns the payload of a
// subscription message into JSON once, however many subscribers receive the same payload object,
// and only wraps it in each subscriber's envelope.

/**
 * Payload objects handed to many subscribers. While one lives, the end of the message that carries
 * it (everything after the subscriber's own id) is cached: the same for every subscriber of an
 * event, since the tracked id is the event's.
 */
interface SharedEntry {
  trackedId: string | undefined;
  tail: string | null;
}
const shared = new WeakMap<object, SharedEntry>();

export function markShared<T extends object>(payload: T): T {
  shared.set(payload, { trackedId: undefined, tail: null });
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
    const entry = shared.get(data) as SharedEntry;
    const trackedId = message.result.id;
    if (entry.tail === null || entry.trackedId !== trackedId) {
      const idPart = trackedId === undefined ? "" : `"id":${JSON.stringify(trackedId)},`;
      entry.trackedId = trackedId;
      entry.tail = `"result":{"type":"data",${idPart}"data":${JSON.stringify(data)}}}`;
    }
    const id = typeof message.id === "number" ? String(message.id) : JSON.stringify(message.id);
    const jsonrpc = message.jsonrpc === undefined ? "" : `"jsonrpc":${JSON.stringify(message.jsonrpc)},`;
    return `{"id":${id},${jsonrpc}${entry.tail}`;
  },
  decode(data: string | ArrayBuffer | Uint8Array): unknown {
    if (typeof data !== "string") throw new Error("expected a text frame");
    return JSON.parse(data);
  },
};
