// The snapshot thread: opens its own connection to the server's database, keeps a replica of the
// engine by replaying the durable journal, and stores a snapshot whenever the main thread asks.
// Messages: { journalId } in; { journalId, error } out once the snapshot is stored, one at a time.
import { parentPort, workerData } from "node:worker_threads";
import { JournalReplica, type SnapshotReply, type SnapshotRequest } from "./snapshots.js";
import { SqliteStorage } from "./storage/sqlite.js";
import type { Storage, StorageLocation } from "./storage/storage.js";

const port = parentPort;
if (port === null) throw new Error("snapshot-worker runs as a worker thread");
const location = workerData as StorageLocation;

async function open(): Promise<Storage> {
  if (location.kind === "sqlite") return new SqliteStorage(location.file, { writerThread: false });
  const { PostgresStorage } = await import("./storage/postgres.js");
  return new PostgresStorage(location.url, location.schema);
}

const storage = await open();
// The main thread migrated the schema already; this checks the connection's durability settings.
await storage.init();
const replica = new JournalReplica(storage);
let queue = Promise.resolve();
port.on("message", (request: SnapshotRequest) => {
  queue = queue.then(async () => {
    let reply: SnapshotReply;
    try {
      reply = { journalId: await replica.snapshotAt(request.journalId), error: null };
    } catch (cause) {
      reply = { journalId: null, error: cause instanceof Error ? cause.message : String(cause) };
    }
    port.postMessage(reply);
  });
});
