// The heart of an engine process in a cluster: it claims shards whose lease ran out (up to its
// cap), keeps their leases, and runs a command queue on each, over the shard's own fenced storage.
// An engine that can claim nothing waits as a standby and takes shards over as leases run out. A
// shard it loses (its lease not renewed in time, so another engine claimed it) it gives up at once:
// the fence already refuses its writes, and the queue refuses every command from then on.
import { randomUUID } from "node:crypto";
import { EventBus } from "../bus.js";
import { CommandQueue, type CommandQueueOptions } from "../command-queue.js";
import type { Logger } from "../log.js";
import { PostgresStorage } from "../storage/postgres.js";
import type { ShardClaim, ShardOwnership } from "./ownership.js";
import { shardSchema } from "./shards.js";

export interface ShardHostOptions {
  ownership: ShardOwnership;
  databaseUrl: string;
  clusterName: string;
  shards: number;
  /** Shards this engine owns at most (`ENGINE_MAX_SHARDS`). */
  maxShards: number;
  /** How long a claim lasts unrenewed; it is renewed three times as often. */
  leaseMs: number;
  log: Logger;
  queue: Pick<CommandQueueOptions, "snapshotEvery" | "now">;
  /** Told when a shard is taken on (its queue ready) and when it is given up. */
  onAcquired?: ((shard: number, queue: CommandQueue, bus: EventBus, storage: PostgresStorage) => void) | undefined;
  onReleased?: ((shard: number) => void) | undefined;
}

interface Owned {
  claim: ShardClaim;
  /** When the lease was last claimed or renewed, on this process's monotonic clock. */
  renewedAt: number;
  storage: PostgresStorage;
  queue: CommandQueue;
  bus: EventBus;
}

export class ShardHost {
  /** This process as an owner, in the ownership table. */
  readonly ownerId = `engine-${randomUUID().slice(0, 8)}`;
  private readonly owned = new Map<number, Owned>();
  /** Shards claimed and being taken on (their journals read): their leases are renewed meanwhile. */
  private readonly taking = new Map<number, { claim: ShardClaim; renewedAt: number; lost: boolean }>();
  private timer: NodeJS.Timeout | null = null;
  private renewing: Promise<void> = Promise.resolve();
  private claiming: Promise<void> | null = null;
  private stopped = false;
  /** Shards taken over from another owner since start (for the metrics). */
  takeovers = 0;

  constructor(private readonly options: ShardHostOptions) {}

  /** This engine's claims, shard by shard. */
  get claims(): ShardClaim[] {
    return [...this.owned.values()].map((o) => o.claim).sort((a, b) => a.shard - b.shard);
  }

  /** The shards this engine owns now. */
  get shards(): number[] {
    return [...this.owned.keys()].sort((a, b) => a - b);
  }

  /**
   * Whether this engine may answer for a shard now: it owns it and its lease, as this process last
   * renewed it, has not run out. Writes are fenced by the database; reads ask this, so an engine
   * that froze past its lease does not answer from its stale state when it wakes.
   */
  holds(shard: number): boolean {
    const owned = this.owned.get(shard);
    return owned !== undefined && performance.now() - owned.renewedAt < this.options.leaseMs;
  }

  queue(shard: number): CommandQueue | undefined {
    return this.owned.get(shard)?.queue;
  }

  /**
   * Takes a turn every third of a lease, the first at once; resolves when the first has claimed
   * what it can. The timer runs from the start, so the leases of shards the first turn claims are
   * renewed while their journals are read.
   */
  async start(): Promise<void> {
    this.timer = setInterval(() => void this.tick(), Math.max(50, Math.floor(this.options.leaseMs / 3)));
    await this.tick();
  }

  /**
   * One turn: renew what is held (giving up what was lost), and claim what is free unless a claim
   * is under way. Renewals never wait for a shard being taken on: reading a long journal must not
   * cost this engine the leases of the shards it serves.
   */
  tick(): Promise<void> {
    const log = (error: unknown) => this.options.log.error("shard turn failed", { error: String(error) });
    this.renewing = this.renewing.then(() => this.renewAll()).catch(log);
    this.claiming ??= this.claimFree()
      .catch(log)
      .finally(() => {
        this.claiming = null;
      });
    return Promise.all([this.renewing, this.claiming]).then(() => undefined);
  }

  private async renewAll(): Promise<void> {
    if (this.stopped) return;
    const { ownership, leaseMs } = this.options;
    for (const [shard, owned] of this.owned) {
      const asked = performance.now();
      if (await ownership.renew(owned.claim, leaseMs)) owned.renewedAt = asked;
      else await this.giveUp(shard, "lease lost");
    }
    for (const taking of this.taking.values()) {
      const asked = performance.now();
      if (await ownership.renew(taking.claim, leaseMs)) taking.renewedAt = asked;
      else taking.lost = true;
    }
  }

  private async claimFree(): Promise<void> {
    const { ownership, leaseMs, shards, maxShards } = this.options;
    for (let shard = 0; shard < shards && !this.stopped && this.owned.size < maxShards; shard++) {
      if (this.owned.has(shard)) continue;
      const claim = await ownership.claim(shard, this.ownerId, leaseMs);
      if (claim === null) continue;
      this.taking.set(shard, { claim, renewedAt: performance.now(), lost: false });
      try {
        await this.takeOn(claim);
      } finally {
        this.taking.delete(shard);
      }
    }
  }

  private async takeOn(claim: ShardClaim): Promise<void> {
    const { databaseUrl, clusterName, ownership, log } = this.options;
    const started = performance.now();
    const storage = new PostgresStorage(databaseUrl, shardSchema(clusterName, claim.shard), {
      table: ownership.table,
      ...claim,
      staleAfterMs: this.options.leaseMs,
    });
    try {
      await storage.init();
      const bus = new EventBus(1_000);
      const queue = await CommandQueue.open(storage, bus, {
        ...this.options.queue,
        idSpace: { index: claim.shard, count: this.options.shards },
        onFenced: () => void this.tick(),
      });
      const taking = this.taking.get(claim.shard);
      if (taking === undefined || taking.lost) {
        // Claimed by another while its journal was read: it was never served from here.
        await queue.close().catch(() => undefined);
        await storage.close();
        log.warn("shard lost while being taken on", { shard: claim.shard, epoch: claim.epoch });
        return;
      }
      this.owned.set(claim.shard, { claim, renewedAt: taking.renewedAt, storage, queue, bus });
      if (claim.epoch > 1) this.takeovers += 1;
      log.info("shard taken", { shard: claim.shard, epoch: claim.epoch, ms: Math.round(performance.now() - started) });
      this.options.onAcquired?.(claim.shard, queue, bus, storage);
    } catch (error) {
      await storage.close().catch(() => undefined);
      await ownership.release(claim).catch(() => undefined);
      log.error("could not take the shard", { shard: claim.shard, error: String(error) });
    }
  }

  /** Stops serving a shard; its writes are refused already if it was claimed by another. */
  private async giveUp(shard: number, why: string): Promise<void> {
    const owned = this.owned.get(shard);
    if (owned === undefined) return;
    this.owned.delete(shard);
    this.options.onReleased?.(shard);
    this.options.log.warn("shard given up", { shard, epoch: owned.claim.epoch, why });
    // Its final snapshot is refused when another owns the shard: nothing is lost by that.
    await owned.queue.close().catch(() => undefined);
    owned.bus.closeAll();
    await owned.storage.close().catch(() => undefined);
  }

  /** A clean stop: every queue drained and snapshotted, every shard released for a standby at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    await this.renewing;
    await this.claiming;
    for (const [shard, owned] of [...this.owned]) {
      await this.giveUp(shard, "stopping");
      await this.options.ownership.release(owned.claim).catch(() => undefined);
    }
  }

  /** Stops renewing without releasing anything, as a process that froze or died would (tests). */
  freeze(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Carries on after `freeze` (tests): the next turn finds out what was lost. */
  async thaw(): Promise<void> {
    await this.start();
  }
}
