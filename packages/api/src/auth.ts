// API keys: stored as SHA-256 hashes (keys are long random strings, so a fast hash suffices);
// the plaintext is shown once, when the key is made. Revoking a key also ends its open sockets.
import { createHash, randomBytes } from "node:crypto";
import type { ApiKeyRow, Directory, UserRow } from "./storage/storage.js";

export interface Principal {
  userId: string;
  keyId: string;
  isAdmin: boolean;
}

export function hashKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

export function newApiKey(): string {
  return `tk_${randomBytes(24).toString("base64url")}`;
}

export function newKeyId(): string {
  return `key_${randomBytes(8).toString("hex")}`;
}

/** The demo accounts that exist by default (a flag turns them off). */
export const DEMO_USERS = [
  { userId: "demo-user", displayName: "Demo User", key: "demo-key", isAdmin: false },
  { userId: "alice", displayName: "Alice", key: "alice-key", isAdmin: false },
  { userId: "bob", displayName: "Bob", key: "bob-key", isAdmin: false },
] as const;

export const DEMO_ADMIN = { userId: "admin", displayName: "Administrator", key: "admin-key", isAdmin: true } as const;

export class KeyRing {
  private byHash = new Map<string, Principal>();
  private users = new Map<string, UserRow>();
  private readonly revokeListeners = new Set<(keyId: string) => void>();

  /**
   * `onChange`: told after this ring changed the directory (a cluster's gateway tells the others);
   * `shardOf`: in a cluster, the shard a new user belongs to, recorded with the user.
   */
  constructor(
    private readonly directory: Directory,
    private readonly onChange: () => void = () => undefined,
    private readonly shardOf?: (userId: string) => number,
  ) {}

  /**
   * Reads the users and keys (again, when another server changed them): a key no longer there is
   * revoked here too, and its sockets closed.
   */
  async load(): Promise<void> {
    const users = new Map((await this.directory.users()).map((user) => [user.userId, user]));
    const byHash = new Map<string, Principal>();
    for (const key of await this.directory.apiKeys()) this.index(key, users, byHash);
    const kept = new Set([...byHash.values()].map((p) => p.keyId));
    const gone = [...this.byHash.values()].filter((p) => !kept.has(p.keyId));
    this.users = users;
    this.byHash = byHash;
    for (const principal of gone) for (const listener of this.revokeListeners) listener(principal.keyId);
  }

  private index(key: ApiKeyRow, users = this.users, byHash = this.byHash): void {
    if (key.revokedAt !== null) return;
    const user = users.get(key.userId);
    byHash.set(key.keyHash, { userId: key.userId, keyId: key.keyId, isAdmin: user?.isAdmin ?? false });
  }

  authenticate(key: unknown): Principal | null {
    if (typeof key !== "string" || key.length === 0 || key.length > 200) return null;
    return this.byHash.get(hashKey(key)) ?? null;
  }

  user(userId: string): UserRow | undefined {
    return this.users.get(userId);
  }

  allUsers(): UserRow[] {
    return [...this.users.values()];
  }

  async addUser(user: UserRow): Promise<void> {
    const row = this.shardOf === undefined ? user : { ...user, shard: this.shardOf(user.userId) };
    await this.directory.insertUser(row);
    this.users.set(user.userId, row);
    this.onChange();
  }

  /** Adds a key with a given plaintext (demo keys, the configured admin key) or a fresh one. */
  async addKey(userId: string, label: string, plaintext: string = newApiKey()): Promise<{ keyId: string; apiKey: string }> {
    const row: ApiKeyRow = { keyId: newKeyId(), userId, keyHash: hashKey(plaintext), label, createdAt: Date.now(), revokedAt: null };
    await this.directory.insertApiKey(row);
    this.index(row);
    this.onChange();
    return { keyId: row.keyId, apiKey: plaintext };
  }

  hasKey(plaintext: string): boolean {
    return this.byHash.has(hashKey(plaintext));
  }

  async revoke(keyId: string): Promise<boolean> {
    const done = await this.directory.revokeApiKey(keyId, Date.now());
    for (const [hash, principal] of this.byHash) if (principal.keyId === keyId) this.byHash.delete(hash);
    if (done) {
      for (const listener of this.revokeListeners) listener(keyId);
      this.onChange();
    }
    return done;
  }

  onRevoke(listener: (keyId: string) => void): void {
    this.revokeListeners.add(listener);
  }
}

/** A request taken from a bucket, or the seconds to wait for one. */
export type Taken = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

/** Rate limits per API key (or client address): in this process, or shared by a cluster's gateways. */
export interface Limiter {
  /** The bucket's capacity (the X-RateLimit-Limit header). */
  readonly limit: number;
  take(key: string): Taken | Promise<Taken>;
}

/** Token buckets per API key: `perSecond` refill, `burst` capacity. */
export class RateLimiter implements Limiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token; returns the seconds to wait when there is none. */
  take(key: string): Taken {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= MAX_BUCKETS) this.forgetFull(now);
      bucket = { tokens: this.burst, at: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    if (bucket.tokens < 1) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond)) };
    bucket.tokens -= 1;
    return { ok: true, remaining: Math.floor(bucket.tokens) };
  }

  get limit(): number {
    return this.burst;
  }

  /** A bucket that has filled up again is the same as none: forgetting it bounds the map by the clients that are busy now. */
  private forgetFull(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(key);
    }
  }
}

/** Buckets kept before full ones are forgotten (see RateLimiter.forgetFull). */
const MAX_BUCKETS = 10_000;
