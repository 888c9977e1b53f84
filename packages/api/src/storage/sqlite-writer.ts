// The SQLite writer thread. Committing a batch waits for the disk (synchronous=FULL); here that
// wait does not stop the server's main thread, which meanwhile reads, checks and queues the next
// requests. Messages: { id, batch } in; { id, error: null | string } out once the batch is durable.
import Database from "better-sqlite3";
import { parentPort, workerData } from "node:worker_threads";
import { configure, JournalWriter } from "./sqlite-batch.js";
import type { CommitBatch } from "./storage.js";

export interface WriterRequest {
  id: number;
  batch: CommitBatch;
}

export interface WriterReply {
  id: number;
  /** Null when the batch is durable; otherwise why it is not (its transaction rolled back). */
  error: string | null;
}

const port = parentPort;
if (port === null) throw new Error("sqlite-writer runs as a worker thread");
const db = new Database((workerData as { file: string }).file);
configure(db);
const writer = new JournalWriter(db);
port.on("message", ({ id, batch }: WriterRequest) => {
  let error: string | null = null;
  try {
    writer.commit(batch);
  } catch (cause) {
    error = cause instanceof Error ? cause.message : String(cause);
  }
  port.postMessage({ id, error } satisfies WriterReply);
});
port.postMessage({ id: 0, error: null } satisfies WriterReply);
