// Snapshots bound restart time. Taking one means turning the whole engine into JSON and writing it:
// seconds for a few hundred thousand resting orders, during which the single writer would answer
// nobody. So the running server takes them on a thread of their own, from a replica of the engine
// that follows the durable journal: the same commands in the same order give the same state, and
// the main thread does not wait for any of it.
import { Worker } from "node:worker_threads";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Engine, type IdSpace } from "@trading/engine";
import type { Storage, StorageLocation } from "./storage/storage.js";

/** The engine as of the newest snapshot plus the journal after it. */
export async function rebuild(storage: Storage, idSpace?: IdSpace): Promise<{ engine: Engine; journalId: number; replayed: number }> {
  const recovery = await storage.journal.recover();
  const engine = recovery.snapshot === null ? new Engine({ retainClosedOrders: false, idSpace }) : Engine.restore(recovery.snapshot.engine);
  for (const command of recovery.commands) engine.apply(command);
  // Journal ids run without gaps, so this is the id of the last command applied, whatever else
  // was committed meanwhile by another connection.
  const journalId = (recovery.snapshot?.journalId ?? 0) + recovery.commands.length;
  return { engine, journalId, replayed: recovery.commands.length };
}

/** Journal entries read at a time while catching up. */
const CATCH_UP_PAGE = 10_000;

/** An engine kept up to date by replaying the durable journal, and snapshotted from there. */
export class JournalReplica {
  private engine: Engine | null = null;
  private journalId = 0;

  constructor(private readonly storage: Storage) {}

  /** Catches up with the journal to at least `journalId` (as far as it reaches) and stores a snapshot there. */
  async snapshotAt(journalId: number): Promise<number> {
    if (this.engine === null) {
      const rebuilt = await rebuild(this.storage);
      this.engine = rebuilt.engine;
      this.journalId = rebuilt.journalId;
    }
    const engine = this.engine;
    while (this.journalId < journalId) {
      const commands = await this.storage.journal.read(this.journalId, CATCH_UP_PAGE);
      if (commands.length === 0) break;
      for (const command of commands) engine.apply(command);
      this.journalId += commands.length;
    }
    await this.storage.journal.saveSnapshot({ journalId: this.journalId, engine: engine.snapshot() });
    return this.journalId;
  }
}

export interface SnapshotRequest {
  journalId: number;
}

/** One reply per request, in order (the thread takes one snapshot at a time). */
export interface SnapshotReply {
  /** The journal id the stored snapshot includes; null with `error` when none was stored. */
  journalId: number | null;
  error: string | null;
}

/** What the queue needs of a background snapshot taker. */
export interface SnapshotTaker {
  /** Asks for a snapshot that includes at least `journalId`; returns at once. */
  request(journalId: number): void;
  /** The journal id of the newest snapshot it stored (0 before the first). */
  readonly lastStored: number;
  /** Stops, abandoning a snapshot in progress. */
  close(): Promise<void>;
}

/** Whether the compiled snapshot thread is there (it is not when running from TypeScript sources). */
const WORKER_URL = new URL("./snapshot-worker.js", import.meta.url);
export const snapshotThreadAvailable = (): boolean => WORKER_URL.protocol === "file:" && existsSync(fileURLToPath(WORKER_URL));

/**
 * The snapshot thread seen from the main thread. Requests coalesce: while one snapshot is being
 * taken, later requests wait for it and are served by one more. A thread that fails is replaced at
 * the next request; a missed snapshot only means a longer restart, so failures are reported, not thrown.
 */
export class BackgroundSnapshots implements SnapshotTaker {
  private worker: Worker | null = null;
  private waiting: { resolve: (reply: SnapshotReply) => void } | null = null;
  private wanted = 0;
  private stored = 0;
  private running: Promise<void> | null = null;
  private closing = false;
  private failed = 0;

  constructor(
    private readonly location: StorageLocation,
    private readonly onError: (error: Error) => void,
    private readonly onStored: (journalId: number) => void = () => undefined,
  ) {}

  /** The journal id of the newest snapshot this thread stored (0 before the first). */
  get lastStored(): number {
    return this.stored;
  }

  /** Snapshots that failed since start. */
  get failures(): number {
    return this.failed;
  }

  /** Asks for a snapshot that includes at least `journalId`; returns at once. */
  request(journalId: number): void {
    this.wanted = Math.max(this.wanted, journalId);
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
  }

  /** Resolves once every requested snapshot is stored (or has failed). */
  async idle(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  private async run(): Promise<void> {
    while (this.stored < this.wanted) {
      const target = this.wanted;
      const reply = await this.send(target);
      if (this.closing) return;
      if (reply.journalId === null || reply.journalId < target) {
        this.failed += 1;
        this.onError(new Error(reply.error ?? `the snapshot thread stopped at journal ${String(reply.journalId)} of ${target}`));
        return;
      }
      this.stored = reply.journalId;
      this.onStored(reply.journalId);
    }
  }

  private send(journalId: number): Promise<SnapshotReply> {
    const worker = (this.worker ??= this.start());
    return new Promise((resolve) => {
      this.waiting = { resolve };
      worker.postMessage({ journalId } satisfies SnapshotRequest);
    });
  }

  private start(): Worker {
    const worker = new Worker(WORKER_URL, { workerData: this.location });
    const settle = (reply: SnapshotReply) => {
      const waiting = this.waiting;
      this.waiting = null;
      waiting?.resolve(reply);
    };
    worker.on("message", (reply: SnapshotReply) => settle(reply));
    const failed = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      settle({ journalId: null, error: error.message });
    };
    worker.on("error", failed);
    worker.on("exit", (code) => failed(new Error(`the snapshot thread stopped (exit code ${code})`)));
    worker.unref();
    return worker;
  }

  /** Stops the thread, abandoning a snapshot in progress (its parts are never read, and are removed by the next one). */
  async close(): Promise<void> {
    this.closing = true;
    const worker = this.worker;
    this.worker = null;
    if (worker !== null) {
      worker.removeAllListeners("exit");
      await worker.terminate();
    }
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.resolve({ journalId: null, error: "closed" });
    await this.running;
  }
}
