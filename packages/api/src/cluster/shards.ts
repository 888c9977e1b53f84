// Which shard a user belongs to. Accounts are independent, so a cluster splits them by user: each
// shard has its own engine, journal and history, and one engine process owns it at a time.

/** Shards in a cluster when `SHARDS` does not say; fixed when the cluster is first created. */
export const DEFAULT_SHARDS = 16;

/**
 * The shard of a user: FNV-1a (32-bit) of the user id's UTF-8 bytes, modulo the shard count. The
 * same on every process, machine and version, so it may be recorded with the user and checked.
 */
export function shardOf(userId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(userId)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/** The PostgreSQL schema that holds one shard's journal and history: `<cluster>_shard_<n>`. */
export function shardSchema(clusterName: string, shard: number): string {
  return `${clusterName}_shard_${String(shard).padStart(3, "0")}`;
}
