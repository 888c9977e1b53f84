// The single writer. Every command reaches the engine through this queue, applied one at a time
// in arrival order; the engine checks and changes state synchronously, so nothing can slip in
// between a check and the change it guards. Commands that arrive while a batch is being written
// wait and form the next batch (group commit): one transaction for many commands, and a result is
// acknowledged, and its events published, only once its batch is durable.
import { randomUUID } from "node:crypto";
import {
  checkInvariants,
  type Command,
  type CommandResult,
  type Engine,
  type EngineEvent,
  type IdSpace,
  type PlaceOrderCommand,
} from "@trading/engine";
import type { EventBus } from "./bus.js";
import { rebuild, type SnapshotTaker } from "./snapshots.js";
import { FencedError, type Storage } from "./storage/storage.js";

/** What the queue stamps on a command as it is applied: the time and a fresh order id. */
export interface Stamp {
  time: number;
  orderId: string;
}

export type CommandFactory = (stamp: Stamp) => Command;

type WithoutTime<T> = T extends unknown ? Omit<T, "time"> : never;

/**
 * A command as a caller sends it: the queue adds the time and, for a placement, the order id (a
 * modification or a cancel names the order it is about).
 */
export type CommandTemplate = Omit<PlaceOrderCommand, "time" | "orderId"> | WithoutTime<Exclude<Command, PlaceOrderCommand>>;

export function stampCommand(template: CommandTemplate, stamp: Stamp): Command {
  if (template.kind === "placeOrder") return { ...template, time: stamp.time, orderId: stamp.orderId };
  return { ...template, time: stamp.time };
}

/** The engine's queries: everything but `apply` (commands go through the queue) and its internals. */
export type EngineReader = Omit<Engine, "apply" | "internals">;

export class JournalError extends Error {
  constructor(cause: unknown) {
    super("the order journal could not be written; nothing was changed", { cause });
    this.name = "JournalError";
  }
}

export class InconsistentStateError extends Error {
  constructor(readonly problems: string[]) {
    super(`the stored state breaks ${problems.length} invariant(s), starting with: ${problems.slice(0, 3).join("; ")}`);
    this.name = "InconsistentStateError";
  }
}

/**
 * This engine lost its shard to another (its claim was fenced): it acknowledges nothing more, and
 * a command sent here should go to the shard's new owner.
 */
export class NotOwnerError extends Error {
  constructor(cause: FencedError) {
    super("this engine no longer owns the shard; send the command to its new owner", { cause });
    this.name = "NotOwnerError";
  }
}

export class QueueClosedError extends Error {
  constructor() {
    super("the server is shutting down");
    this.name = "QueueClosedError";
  }
}

interface Pending {
  make: CommandFactory;
  resolve: (result: CommandResult) => void;
  reject: (error: Error) => void;
}

export interface CommandQueueOptions {
  /** Take a snapshot after this many journal entries, bounding restart time. */
  snapshotEvery: number;
  /**
   * Where snapshots are taken while running: on their own thread, from the journal (the server's
   * way), or here between batches when absent (every command waits meanwhile). The last snapshot,
   * at close, is always taken here.
   */
  background?: SnapshotTaker | undefined;
  /**
   * This queue's share of order ids (and its engine's of trade ids) when several queues make them,
   * one per shard: order n is `O<n * count + index>`. Default: all of them.
   */
  idSpace?: IdSpace | undefined;
  /** Told once when the storage refuses a write because this writer's claim is void (see `ShardFence`). */
  onFenced?: ((error: FencedError) => void) | undefined;
  /** Told of every failed journal write, and whether the batch turned out to be on disk anyway. */
  onWriteFailure?: ((cause: unknown, written: boolean) => void) | undefined;
  /** Clock, replaceable in tests. */
  now?: () => number;
}

export interface CommandQueueStats {
  batches: number;
  commands: number;
  lastBatchSize: number;
}

export class CommandQueue {
  private queue: Pending[] = [];
  private draining = false;
  private closed = false;
  private lastTime = 0;
  private journalId: number;
  private sinceSnapshot = 0;
  /** The journal id the background snapshot thread was last asked to reach. */
  private requestedSnapshot = 0;
  private idle: Promise<void> = Promise.resolve();
  readonly stats: CommandQueueStats = { batches: 0, commands: 0, lastBatchSize: 0 };
  private readonly now: () => number;
  /** Batch ids are this writer's id and a count: no other writer can store the same one. */
  private readonly writerId = randomUUID();
  private batchCount = 0;
  /** The last journal write failed, and no write has worked since (see `writable`). */
  private failing = false;
  /** Set once the storage refused a write for a void claim: this queue is done (see `stepDown`). */
  private fenced: FencedError | null = null;
  private probe: Promise<boolean> | null = null;
  private probedAt = Number.NEGATIVE_INFINITY;

  private constructor(
    private engineRef: Engine,
    private readonly storage: Storage,
    private readonly bus: EventBus,
    private readonly options: CommandQueueOptions,
    journalId: number,
  ) {
    this.journalId = journalId;
    this.now = options.now ?? Date.now;
  }

  /**
   * Rebuilds the engine from the latest snapshot plus the journal after it, and refuses to go on
   * from a state that breaks the invariants money depends on (a damaged or hand-edited database):
   * better not to start than to trade on it.
   */
  static async open(storage: Storage, bus: EventBus, options: CommandQueueOptions): Promise<CommandQueue> {
    const { engine, journalId, replayed } = await rebuild(storage, options.idSpace);
    const problems = checkInvariants(engine);
    if (problems.length > 0) throw new InconsistentStateError(problems);
    const queue = new CommandQueue(engine, storage, bus, options, journalId);
    queue.sinceSnapshot = replayed;
    return queue;
  }

  /** The engine to read from; commands reach it only through `submit`. */
  get engine(): EngineReader {
    return this.engineRef;
  }

  get queueLength(): number {
    return this.queue.length;
  }

  /** Queues a command; resolves with its result once it is durable. */
  submit(make: CommandFactory): Promise<CommandResult> {
    if (this.fenced !== null) return Promise.reject(new NotOwnerError(this.fenced));
    if (this.closed) return Promise.reject(new QueueClosedError());
    return new Promise<CommandResult>((resolve, reject) => {
      this.queue.push({ make, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        // Let the commands of this event-loop turn gather into one batch.
        this.idle = new Promise<void>((done) => setImmediate(() => void this.drain().finally(done)));
      }
    });
  }

  private stamp(): Stamp {
    const time = Math.max(this.now(), this.lastTime);
    this.lastTime = time;
    // Every placement emits at least one event, so the next sequence number is a fresh id.
    const { index, count } = this.options.idSpace ?? { index: 0, count: 1 };
    return { time, orderId: `O${(this.engineRef.lastSeq + 1) * count + index}` };
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      const commands: Command[] = [];
      const events: EngineEvent[] = [];
      const results: Array<{ pending: Pending; result: CommandResult }> = [];
      for (const pending of batch) {
        let command: Command;
        try {
          command = pending.make(this.stamp());
        } catch (error) {
          pending.reject(error instanceof Error ? error : new Error(String(error)));
          continue;
        }
        const result = this.engineRef.apply(command);
        // A refusal with no events changed nothing, so it need not be journaled to replay.
        if (result.events.length > 0) {
          commands.push(command);
          for (const event of result.events) events.push(event);
        }
        results.push({ pending, result });
      }
      if (commands.length > 0) {
        const batchId = `${this.writerId}/${++this.batchCount}`;
        try {
          await this.storage.journal.commit({ firstJournalId: this.journalId + 1, commands, events, batchId });
        } catch (cause) {
          if (cause instanceof FencedError) {
            this.stepDown(batch, cause);
            break;
          }
          // A failed write may still have reached the disk (a writer thread can die after its
          // commit, before its answer): the database decides, and memory is rebuilt from it.
          const written = await this.recoverFromWriteFailure(results, cause, this.journalId + commands.length, batchId);
          if (!written) {
            this.failing = true;
            continue;
          }
        }
        this.failing = false;
        this.journalId += commands.length;
        this.sinceSnapshot += commands.length;
      }
      this.stats.batches += 1;
      this.stats.commands += batch.length;
      this.stats.lastBatchSize = batch.length;
      for (const { pending, result } of results) pending.resolve(result);
      if (events.length > 0) this.bus.publish(events);
      if (this.sinceSnapshot >= this.options.snapshotEvery) {
        if (this.options.background === undefined) await this.snapshot();
        else {
          this.options.background.request(this.journalId);
          this.requestedSnapshot = this.journalId;
          this.sinceSnapshot = 0;
        }
      }
    }
    this.draining = false;
  }

  /**
   * The storage refused a batch because another engine claimed the shard: nothing of the batch was
   * written. Its commands, and every one queued or sent later, are refused with `NotOwnerError`;
   * memory is no longer the shard's state, so nothing more is published or snapshotted.
   */
  private stepDown(batch: Pending[], cause: FencedError): void {
    this.fenced = cause;
    this.closed = true;
    const error = new NotOwnerError(cause);
    for (const pending of [...batch, ...this.queue]) pending.reject(error);
    this.queue = [];
    this.options.onFenced?.(cause);
  }

  /**
   * A batch's write failed: memory is put back as the disk has it. Answers true when the batch is
   * on disk after all (entry `lastJournalId` carries this batch's own id), so it is acknowledged
   * and published as usual; otherwise its commands are refused and nothing of them remains, even
   * when entries with those ids are there (written by someone else, they are not this batch).
   */
  private async recoverFromWriteFailure(
    results: Array<{ pending: Pending; result: CommandResult }>,
    cause: unknown,
    lastJournalId: number,
    batchId: string,
  ): Promise<boolean> {
    const written = (await this.storage.journal.batchIdAt(lastJournalId)) === batchId;
    const { engine, journalId } = await rebuild(this.storage, this.options.idSpace);
    this.engineRef = engine;
    this.options.onWriteFailure?.(cause, written);
    if (written) return true;
    this.journalId = journalId;
    const error = new JournalError(cause);
    for (const { pending } of results) pending.reject(error);
    return false;
  }

  /**
   * Whether the journal can be written: true unless the last write failed; then the storage is
   * asked (at most once a second) until a write works again, so readiness recovers even when no
   * command arrives to try.
   */
  async writable(): Promise<boolean> {
    if (!this.failing) return true;
    if (this.probe !== null) return this.probe;
    if (this.now() - this.probedAt < 1_000) return false;
    this.probedAt = this.now();
    this.probe = this.storage.journal.checkWritable().then(
      () => {
        this.failing = false;
        return true;
      },
      () => false,
    );
    void this.probe.finally(() => (this.probe = null));
    return this.probe;
  }

  /** Writes a snapshot of the engine as of the last durable batch. */
  async snapshot(): Promise<void> {
    await this.storage.journal.saveSnapshot({ journalId: this.journalId, engine: this.engineRef.snapshot() });
    this.sinceSnapshot = 0;
  }

  /** Stops taking commands, finishes those queued, and snapshots. */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle;
    if (this.draining) await this.idle;
    // One snapshot writer at a time: a background one in progress is abandoned (never read).
    await this.options.background?.close();
    if (this.fenced !== null) return;
    const behind = (this.options.background?.lastStored ?? this.requestedSnapshot) < this.requestedSnapshot;
    if (this.sinceSnapshot > 0 || behind) await this.snapshot();
  }
}
