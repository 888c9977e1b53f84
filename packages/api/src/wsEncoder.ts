// Serialise once, send to many: a WebSocket encoder for tRPC that turns the payload of a
// subscription message into JSON once, however many subscribers receive the same payload object,
// and only wraps it in each subscriber's envelope.
//
// tRPC hands the encoder `{ id, jsonrpc?, result: { type: "data", data, id? } }` per subscriber.
// For a `tracked(id, payload)` item, `result.data` is a fresh `{ id, data: payload }` wrapper made
// for that subscriber, so the shared payload is looked for both there and one level down.

/**
 * Payload objects handed to many subscribers. While one lives, the end of the message that carries
 * it (everything after the subscriber's own id) is cached: the same for every subscriber of an
 * event, since the tracked id is the event's.
 */
interface SharedEntry {
  trackedId: unknown;
  tail: string | null;
}
const shared = new WeakMap<object, SharedEntry>();

export function markShared<T extends object>(payload: T): T {
  shared.set(payload, { trackedId: undefined, tail: null });
  return payload;
}

interface Envelope {
  id?: unknown;
  jsonrpc?: unknown;
  result?: { type?: unknown; id?: unknown; data?: unknown };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/** How many own enumerable keys an object has, without allocating a list of them (runs per message). */
function ownKeyCount(value: object): number {
  let count = 0;
  for (const key in value) if (Object.hasOwn(value, key)) count++;
  return count;
}

/** The shared payload a data message carries, and whether it is inside a tracked wrapper. */
function sharedPayload(message: Envelope): { payload: object; tracked: boolean } | null {
  const result = message.result;
  if (!isObject(result) || result.type !== "data" || !isObject(result.data)) return null;
  const data = result.data;
  if (shared.has(data)) return { payload: data, tracked: false };
  if (result.id !== undefined && data.id === result.id && isObject(data.data) && shared.has(data.data) && ownKeyCount(data) === 2) {
    return { payload: data.data, tracked: true };
  }
  return null;
}

export const sharedPayloadEncoder = {
  encode(message: unknown): string {
    const found = isObject(message) ? sharedPayload(message) : null;
    if (found === null) return JSON.stringify(message);
    const envelope = message as Envelope & { result: { id?: unknown } };
    const entry = shared.get(found.payload) as SharedEntry;
    const trackedId = envelope.result.id;
    if (entry.tail === null || entry.trackedId !== trackedId) {
      const json = JSON.stringify(found.payload);
      const id = trackedId === undefined ? "" : JSON.stringify(trackedId);
      const data = found.tracked ? `{"id":${id},"data":${json}}` : json;
      entry.trackedId = trackedId;
      entry.tail = `"result":{"type":"data",${trackedId === undefined ? "" : `"id":${id},`}"data":${data}}}`;
    }
    const id = typeof envelope.id === "number" ? String(envelope.id) : JSON.stringify(envelope.id);
    const jsonrpc = envelope.jsonrpc === undefined ? "" : `"jsonrpc":${JSON.stringify(envelope.jsonrpc)},`;
    return `{"id":${id},${jsonrpc}${entry.tail}`;
  },
  decode(data: string | ArrayBuffer | Uint8Array): unknown {
    if (typeof data !== "string") throw new Error("expected a text frame");
    return JSON.parse(data);
  },
};
